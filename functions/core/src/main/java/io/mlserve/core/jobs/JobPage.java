package io.mlserve.core.jobs;

import java.util.List;

/**
 * One page of jobs, newest first.
 *
 * @param jobs the jobs
 * @param nextCursor opaque cursor for the next page, or null on the last page
 */
public record JobPage(List<Job> jobs, String nextCursor) {}
