# Sourced by .ci/run: the Docker engine and the local JDK image for the container path
# (@PhysicalAddresses tests and ./jcma hugepages --container). No registry is reachable from CI,
# so the images are built here: a minbase Debian by debootstrap, imported, plus the build's JDK.
# Every step is timed. A failure fails the run: on CI the engine must be there, so that the
# container tests run rather than skip.

CONTAINERS_IMAGE=local/jcma-jdk25
CONTAINERS_BASE=local/debian:bookworm
CONTAINERS_SOCKET=/var/run/docker.sock
containers_dockerd_pid=

containers_log() { echo "ci: containers: $*"; }

containers_install_engine() {
    local t=$SECONDS
    if ! command -v dockerd >/dev/null || ! command -v debootstrap >/dev/null; then
        apt-get install -y -qq --no-install-recommends docker.io debootstrap >/dev/null || return 1
    fi
    containers_log "engine installed in $((SECONDS - t)) s ($(dockerd --version))"
}

containers_start_engine() {
    local t=$SECONDS i
    if ! docker version >/dev/null 2>&1; then
        dockerd --host=unix://$CONTAINERS_SOCKET --storage-driver=overlay2 >/tmp/jcma-dockerd.log 2>&1 &
        containers_dockerd_pid=$!
        for i in $(seq 1 150); do
            [[ -S $CONTAINERS_SOCKET ]] && docker version >/dev/null 2>&1 && break
            sleep 0.2
        done
        docker version >/dev/null 2>&1 || { tail -20 /tmp/jcma-dockerd.log; return 1; }
    fi
    containers_log "engine up in $((SECONDS - t)) s (socket $(stat -c '%U:%G %a' $CONTAINERS_SOCKET))"
}

# The first Debian mirror apt uses (deb822 .sources or one-line sources.list).
containers_mirror() {
    { grep -h '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}'
      grep -h '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | awk '{print $2}'
    } | grep -v security | head -1
}

containers_build_images() {
    local t=$SECONDS mirror jdk root
    mirror=$(containers_mirror)
    [[ -n $mirror ]] || { containers_log "no Debian mirror in /etc/apt/sources.list*"; return 1; }
    jdk=$(JCMA_PRINT_JDK=1 ./jcma) || return 1
    root=$(mktemp -d /tmp/jcma-rootfs.XXXXXX)
    debootstrap --variant=minbase bookworm "$root" "$mirror" >/tmp/jcma-debootstrap.log 2>&1 \
        || { tail -20 /tmp/jcma-debootstrap.log; rm -rf "$root"; return 1; }
    tar -C "$root" -c . | docker import - $CONTAINERS_BASE >/dev/null || { rm -rf "$root"; return 1; }
    rm -rf "$root"
    containers_log "base image $CONTAINERS_BASE from $mirror in $((SECONDS - t)) s"
    t=$SECONDS
    # The JDK directory is the build context: the image gets exactly the JDK the build uses.
    printf '%s\n' "FROM $CONTAINERS_BASE" "COPY . /opt/java/openjdk" \
        "ENV JAVA_HOME=/opt/java/openjdk PATH=/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
        | docker build -q -t $CONTAINERS_IMAGE -f - "$jdk" >/dev/null 2>/tmp/jcma-docker-build.log \
        || { cat /tmp/jcma-docker-build.log; return 1; }
    docker run --rm $CONTAINERS_IMAGE java -version 2>&1 | head -1 | sed 's/^/ci: containers: image java: /'
    containers_log "JDK image $CONTAINERS_IMAGE from $jdk in $((SECONDS - t)) s"
}

# What the tests need to find the engine and the image; Ryuk would need an image from a registry.
containers_export_env() {
    export TESTCONTAINERS_RYUK_DISABLED=true
    # This machine has /.dockerenv: without the override Testcontainers pulls alpine to find a gateway.
    export TESTCONTAINERS_HOST_OVERRIDE=localhost
    export JCMA_CONTAINER_IMAGE=$CONTAINERS_IMAGE
}

containers_setup() {
    containers_install_engine && containers_start_engine && containers_build_images && containers_export_env \
        || { containers_log "setup failed: the container path's tests would only skip"; return 1; }
}

# With Ryuk off nothing else removes what a killed JVM left running: every Testcontainers
# container (label org.testcontainers) and every one of the container path (its own label).
containers_cleanup() {
    if command -v docker >/dev/null && docker version >/dev/null 2>&1; then
        local left
        left=$( (docker ps -aq --filter label=org.testcontainers=true; docker ps -aq --filter label=io.jcma.container-path) | sort -u)
        if [[ -n $left ]]; then
            containers_log "removing leftover containers: $(echo $left)"
            docker rm -f $left >/dev/null || true
        fi
    fi
    if [[ -n $containers_dockerd_pid ]]; then
        kill "$containers_dockerd_pid" 2>/dev/null || true
        wait "$containers_dockerd_pid" 2>/dev/null || true
    fi
}
