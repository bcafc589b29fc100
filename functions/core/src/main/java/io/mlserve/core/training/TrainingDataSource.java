package io.mlserve.core.training;

import java.io.InputStream;
import java.util.List;

/** The training data under a spec's prefix (the data bucket in production). */
public interface TrainingDataSource {

    /**
     * One data object as listed.
     *
     * @param key object key
     * @param etag its ETag (without quotes)
     * @param size bytes
     */
    record DataObject(String key, String etag, long size) {}

    /**
     * @param prefix key prefix in the data bucket
     * @return the {@code .csv} objects under it, in key order
     */
    List<DataObject> list(String prefix);

    /**
     * @param object a listed object
     * @return its bytes, exactly that version
     * @throws TrainingDataException when the object changed or vanished since it was listed
     */
    InputStream open(DataObject object);
}
