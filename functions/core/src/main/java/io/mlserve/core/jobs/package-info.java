/** Jobs (bulk prediction, training, feedback): their records, their progress and the store port. */
package io.mlserve.core.jobs;
