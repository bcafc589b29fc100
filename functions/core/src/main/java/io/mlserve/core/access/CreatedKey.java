package io.mlserve.core.access;

/**
 * A key just made: the only moment its value exists outside the caller's hands.
 *
 * @param record what the keys table holds
 * @param value the key value, shown once
 */
public record CreatedKey(ApiKeyRecord record, String value) {
    @Override
    public String toString() { // never print the value by accident
        return "CreatedKey[" + record + "]";
    }
}
