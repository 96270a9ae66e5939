package io.jcma.junit.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.Base64;

/**
 * What crosses the container boundary: Base64 of a Java serialisation, one line. Both ends run
 * the same class path, and the host reads only what the container it started wrote.
 */
final class Wire {
    private Wire() {
    }

    static String encode(Serializable o) {
        return Base64.getEncoder().encodeToString(bytes(o));
    }

    static byte[] bytes(Serializable o) {
        try {
            return bytesOrThrow(o);
        } catch (IOException e) {
            throw new IllegalStateException("wire: cannot serialise " + o.getClass().getName() + ": " + e, e);
        }
    }

    static byte[] bytesOrThrow(Object o) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(b)) {
            out.writeObject(o);
        }
        return b.toByteArray();
    }

    static Object read(byte[] bytes) throws IOException, ClassNotFoundException {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
            return in.readObject();
        }
    }

    /** @throws IllegalArgumentException if {@code text} is not the encoding of a {@code type} */
    static <T> T decode(String text, Class<T> type) {
        try {
            return type.cast(read(Base64.getDecoder().decode(text.strip())));
        } catch (IOException | ClassNotFoundException | ClassCastException | IllegalArgumentException e) {
            String shown = text.length() > 2000 ? text.substring(0, 2000) + "..." : text;
            throw new IllegalArgumentException("wire: " + e + " (expected: Base64 of a " + type.getSimpleName()
                    + "; got: " + shown + ")", e);
        }
    }
}
