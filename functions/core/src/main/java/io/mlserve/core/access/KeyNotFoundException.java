package io.mlserve.core.access;

/** No key has that name. */
public final class KeyNotFoundException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param name the name asked for */
    public KeyNotFoundException(String name) {
        super("no key named '" + name + "'");
    }
}
