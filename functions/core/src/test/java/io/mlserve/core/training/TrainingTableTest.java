package io.mlserve.core.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlserve.core.model.Feature;
import io.mlserve.core.model.FeatureType;
import io.mlserve.core.model.Task;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainingTableTest {

    static Feature feature(String name, FeatureType type) {
        return new Feature(name, type, null, null, null, null, null);
    }

    static TrainingSpec spec(Task task) {
        return new TrainingSpec("s3://b/p/", "y", List.of(feature("x", FeatureType.FLOAT), feature("k", FeatureType.STRING),
                feature("n", FeatureType.INT64)), task, List.of(), task == Task.CLASSIFICATION ? Metric.ACCURACY : Metric.RMSE,
                new TrainingSpec.Split(0.2, 7), null, null);
    }

    static TrainingTable.CsvFile csv(String key, String text) {
        return new TrainingTable.CsvFile(key, new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    static List<String> problems(TrainingSpec spec, TrainingTable.CsvFile... files) {
        try {
            TrainingTable.read(spec, List.of(files));
        } catch (TrainingDataException e) {
            assertThat(e.code()).isEqualTo("TRAINING_DATA_REJECTED");
            return e.problems();
        }
        throw new AssertionError("expected TRAINING_DATA_REJECTED");
    }

    @Test
    void read_shouldSkipAndCountBadRows_acrossFiles() {
        // GIVEN two files with columns in different orders, an extra column and some unusable rows
        var a = csv("a.csv", """
                x,k,n,y,extra
                1.5,red,3,yes,e1
                ,red,3,no,e2
                NaN,blue,3,no,e3
                2.5,blue,4,no,e4
                2.5,,4,no,e5
                2.5,blue,4.5,no,e6
                2.5,blue,4
                """);
        var b = csv("b.csv", """
                y,n,k,x
                no, 7 ,green, 0.25
                yes,8,red,abc
                """);

        // WHEN
        var table = TrainingTable.read(spec(Task.CLASSIFICATION), List.of(a, b));

        // THEN
        assertThat(table.rows()).isEqualTo(3);
        assertThat(table.rejectedRows()).isEqualTo(6);
        assertThat(table.classes()).containsExactly("no", "yes");
        var features = List.of(feature("k", FeatureType.STRING), feature("x", FeatureType.FLOAT), feature("n", FeatureType.INT64));
        assertThat(table.cells(0, features)).containsExactly("red", "1.5", "3");
        assertThat(table.cells(2, features)).containsExactly("green", "0.25", "7");
        assertThat(table.actual(2)).isEqualTo("no");
        assertThat(table.hasFeature("extra")).isFalse(); // b.csv lacks it
        assertThat(table.hasFeature("x")).isTrue();
        assertThat(table.cells(2, List.of(feature("extra", FeatureType.STRING)))).containsExactly((String) null);
        assertThatThrownBy(() -> table.cells(0, List.of(feature("nope", FeatureType.FLOAT))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void read_shouldParseTargetAsNumber_forRegression() {
        var table = TrainingTable.read(spec(Task.REGRESSION), List.of(csv("a.csv", "x,k,n,y\n1,a,1,2.5\n1,a,1,x\n")));

        assertThat(table.rows()).isEqualTo(1);
        assertThat(table.actual(0)).isEqualTo(2.5);
        assertThat(table.classes()).isEmpty();
    }

    @Test
    void read_shouldNameMissingColumns_perFile() {
        assertThat(problems(spec(Task.CLASSIFICATION), csv("a.csv", "x,k\n1,a\n")))
                .containsExactly("a.csv: the header has no column for feature 'n'", "a.csv: the header has no column for the target 'y'");
    }

    @Test
    void read_shouldNameColumnWithNoUsableValue() {
        assertThat(problems(spec(Task.CLASSIFICATION), csv("a.csv", "x,k,n,y\nNaN,a,1,p\n,b,2,q\n")))
                .singleElement().asString().contains("column 'x' has no usable value");
        assertThat(problems(spec(Task.REGRESSION), csv("a.csv", "x,k,n,y\n1,a,1,p\n")))
                .singleElement().asString().contains("target column 'y'").contains("a number");
    }

    @Test
    void read_shouldRefuseOneClass() {
        assertThat(problems(spec(Task.CLASSIFICATION), csv("a.csv", "x,k,n,y\n1,a,1,p\n2,b,2,p\n")))
                .singleElement().asString().contains("only one class (p)");
    }

    @Test
    void read_shouldRefuseNoRows() {
        assertThat(problems(spec(Task.CLASSIFICATION), csv("a.csv", "x,k,n,y\n"))).singleElement().asString().contains("no rows");
        assertThatThrownBy(() -> TrainingTable.read(spec(Task.CLASSIFICATION), List.of()))
                .isInstanceOf(TrainingDataException.class).hasMessageContaining("no .csv objects");
    }

    @Test
    void split_shouldStratifyDeterministically() {
        // GIVEN 30 'a' rows and 10 'b' rows
        var text = new StringBuilder("x,k,n,y\n");
        for (int i = 0; i < 40; i++) {
            text.append(i).append(",c,1,").append(i < 30 ? "a" : "b").append('\n');
        }
        var table = TrainingTable.read(spec(Task.CLASSIFICATION), List.of(csv("a.csv", text.toString())));

        // WHEN
        var split = DataSplit.of(table, new TrainingSpec.Split(0.2, 7), Task.CLASSIFICATION);

        // THEN 20% of each class is held out, the same rows every time, train and test disjoint and complete
        assertThat(split.test()).hasSize(8);
        assertThat(java.util.Arrays.stream(split.test()).filter(r -> r >= 30).count()).isEqualTo(2);
        assertThat(split).isEqualTo(DataSplit.of(table, new TrainingSpec.Split(0.2, 7), Task.CLASSIFICATION));
        assertThat(split).isNotEqualTo(DataSplit.of(table, new TrainingSpec.Split(0.2, 8), Task.CLASSIFICATION));
        var all = new ArrayList<Integer>();
        java.util.Arrays.stream(split.train()).forEach(all::add);
        java.util.Arrays.stream(split.test()).forEach(all::add);
        assertThat(all).doesNotHaveDuplicates().hasSize(40);
        assertThat(split.train()).isSorted();
    }

    @Test
    void split_shouldKeepEveryClassOnBothSides_whenClassIsTiny() {
        var table = TrainingTable.read(spec(Task.CLASSIFICATION),
                List.of(csv("a.csv", "x,k,n,y\n1,c,1,a\n2,c,1,a\n3,c,1,a\n4,c,1,b\n5,c,1,b\n")));

        var split = DataSplit.of(table, new TrainingSpec.Split(0.01, 7), Task.CLASSIFICATION);

        assertThat(split.test()).hasSize(2);
        assertThat(split.train()).hasSize(3);
    }

    @Test
    void split_shouldRefuse_whenClassHasOneRow() {
        var table = TrainingTable.read(spec(Task.CLASSIFICATION),
                List.of(csv("a.csv", "x,k,n,y\n1,c,1,a\n2,c,1,a\n3,c,1,b\n")));

        assertThatThrownBy(() -> DataSplit.of(table, new TrainingSpec.Split(0.2, 7), Task.CLASSIFICATION))
                .isInstanceOf(TrainingDataException.class).hasMessageContaining("class 'b' has 1 usable row");
    }

    @Test
    void split_shouldHoldOutFraction_forRegression() {
        var text = new StringBuilder("x,k,n,y\n");
        for (int i = 0; i < 10; i++) {
            text.append(i).append(",c,1,").append(i).append('\n');
        }
        var table = TrainingTable.read(spec(Task.REGRESSION), List.of(csv("a.csv", text.toString())));

        var split = DataSplit.of(table, new TrainingSpec.Split(0.3, 1), Task.REGRESSION);

        assertThat(split.test()).hasSize(3);
        assertThat(split.train()).hasSize(7);
    }
}
