package io.mlserve.aws;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Plain Java values (as Jackson would read JSON) to DynamoDB attribute values and back. */
public final class AttributeValues {
    private AttributeValues() {}

    /**
     * @param value null, String, Number, Boolean, Map or List (nested)
     * @return the attribute value
     */
    public static AttributeValue of(Object value) {
        return switch (value) {
            case null -> AttributeValue.fromNul(true);
            case String s -> AttributeValue.fromS(s);
            case Double d when !Double.isFinite(d) -> AttributeValue.fromS(d.toString());
            case Number n -> AttributeValue.fromN(n.toString());
            case Boolean b -> AttributeValue.fromBool(b);
            case Map<?, ?> m -> {
                var out = new LinkedHashMap<String, AttributeValue>();
                m.forEach((k, v) -> out.put(String.valueOf(k), of(v)));
                yield AttributeValue.fromM(out);
            }
            case List<?> l -> AttributeValue.fromL(l.stream().map(AttributeValues::of).toList());
            default -> AttributeValue.fromS(value.toString());
        };
    }

    /**
     * @param value an attribute value
     * @return the plain Java value: String, Double/Long, Boolean, Map, List or null
     */
    public static Object toJava(AttributeValue value) {
        return switch (value.type()) {
            case S -> value.s();
            case N -> value.n().matches("-?\\d+") ? (Object) Long.parseLong(value.n()) : (Object) Double.parseDouble(value.n());
            case BOOL -> value.bool();
            case NUL -> null;
            case M -> {
                var out = new LinkedHashMap<String, Object>();
                value.m().forEach((k, v) -> out.put(k, toJava(v)));
                yield out;
            }
            case L -> value.l().stream().map(AttributeValues::toJava).toList();
            default -> value.toString();
        };
    }
}
