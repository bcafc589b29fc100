package io.mlserve.core.access;

/** A key could not be stored: its name is taken by an active key, or its value already exists. */
public final class KeyConflictException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what conflicted (never the key value) */
    public KeyConflictException(String message) {
        super(message);
    }
}
