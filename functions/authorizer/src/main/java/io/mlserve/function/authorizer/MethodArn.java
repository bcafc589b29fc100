package io.mlserve.function.authorizer;

import java.util.Objects;

/**
 * The execute-api ARN of the method being called,
 * {@code arn:<partition>:execute-api:<region>:<account>:<apiId>/<stage>/<METHOD>/<path>}: the
 * authorizer's policy names resources under the same API and stage.
 *
 * @param partition {@code aws}, {@code aws-cn}, …
 * @param region region
 * @param account account id
 * @param apiId REST API id
 * @param stage stage name
 */
record MethodArn(String partition, String region, String account, String apiId, String stage) {

    MethodArn {
        Objects.requireNonNull(partition, "partition");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(apiId, "apiId");
        Objects.requireNonNull(stage, "stage");
    }

    /**
     * @param methodArn the event's {@code methodArn}
     * @return its API and stage
     * @throws IllegalArgumentException when it is not an execute-api method ARN
     */
    static MethodArn parse(String methodArn) {
        var parts = methodArn == null ? new String[0] : methodArn.split(":", 6);
        if (parts.length != 6 || !parts[0].equals("arn") || !parts[2].equals("execute-api")) {
            throw new IllegalArgumentException("not an execute-api method ARN: " + methodArn);
        }
        var path = parts[5].split("/", 3); // apiId / stage / METHOD/resource…
        if (path.length < 2 || path[0].isEmpty() || path[1].isEmpty()) {
            throw new IllegalArgumentException("no API id and stage in the method ARN: " + methodArn);
        }
        return new MethodArn(parts[1], parts[3], parts[4], path[0], path[1]);
    }

    /** @return {@code arn:…:<apiId>/<stage>}, the prefix of every method of this stage */
    String stageArn() {
        return "arn:" + partition + ":execute-api:" + region + ":" + account + ":" + apiId + "/" + stage;
    }

    /** @return every method and resource of this stage: {@code <stageArn>/*}{@code /*} */
    String everything() {
        return stageArn() + "/*/*";
    }

    /**
     * @param method HTTP method
     * @param arnPath resource path without its leading slash, {@code *} for each path parameter
     * @return that method's ARN in this stage
     */
    String method(String method, String arnPath) {
        return stageArn() + "/" + method + "/" + arnPath;
    }
}
