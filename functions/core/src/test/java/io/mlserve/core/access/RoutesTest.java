package io.mlserve.core.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RoutesTest {

    @Test
    void all_shouldHoldExactlyTheContractTable() {
        assertThat(Routes.all()).containsExactly(
                new Route("GET", "/health", Role.PUBLIC),
                new Route("GET", "/docs", Role.PUBLIC),
                new Route("GET", "/docs/openapi.yaml", Role.PUBLIC),
                new Route("GET", "/health/details", Role.PREDICT),
                new Route("POST", "/models/{name}/predict", Role.PREDICT),
                new Route("GET", "/models", Role.PREDICT),
                new Route("GET", "/models/{name}", Role.PREDICT),
                new Route("GET", "/models/{name}/versions", Role.PREDICT),
                new Route("GET", "/models/{name}/versions/{version}", Role.PREDICT),
                new Route("GET", "/models/{name}/stats", Role.PREDICT),
                new Route("POST", "/models/{name}/jobs", Role.PREDICT),
                new Route("GET", "/jobs", Role.PREDICT),
                new Route("GET", "/jobs/{jobId}", Role.PREDICT),
                new Route("POST", "/models/{name}/feedback", Role.PREDICT),
                new Route("POST", "/models/{name}/versions", Role.ADMIN),
                new Route("PUT", "/models/{name}/aliases/{alias}", Role.ADMIN),
                new Route("GET", "/models/{name}/audit", Role.ADMIN),
                new Route("GET", "/predictions", Role.ADMIN),
                new Route("PUT", "/models/{name}/training", Role.ADMIN),
                new Route("GET", "/models/{name}/training", Role.ADMIN),
                new Route("POST", "/models/{name}/train", Role.ADMIN),
                new Route("PUT", "/models/{name}/drift/config", Role.ADMIN),
                new Route("GET", "/models/{name}/drift/config", Role.ADMIN),
                new Route("POST", "/models/{name}/drift", Role.ADMIN),
                new Route("GET", "/models/{name}/drift", Role.PREDICT),
                new Route("GET", "/models/{name}/drift/history", Role.PREDICT),
                new Route("GET", "/models/{name}/drift/report", Role.PREDICT),
                new Route("PUT", "/models/{name}/versions/{version}/baseline", Role.ADMIN),
                new Route("GET", "/models/{name}/quality", Role.PREDICT),
                new Route("POST", "/models/{name}/quality", Role.ADMIN),
                new Route("PUT", "/models/{name}/quality/config", Role.ADMIN),
                new Route("GET", "/models/{name}/quality/config", Role.ADMIN),
                new Route("GET", "/models/{name}/quality/report", Role.PREDICT));
    }

    @Test
    void find_shouldMatchMethodAndResource_whenTheRouteExists() {
        assertThat(Routes.find("post", "/models/{name}/versions")).get().extracting(Route::role).isEqualTo(Role.ADMIN);
        assertThat(Routes.find("GET", "/models/{name}/versions")).get().extracting(Route::role).isEqualTo(Role.PREDICT);
        assertThat(Routes.find("POST", "/models/{name}/jobs")).get().extracting(Route::role).isEqualTo(Role.PREDICT);
        assertThat(Routes.find("GET", "/jobs/{jobId}")).get().extracting(Route::role).isEqualTo(Role.PREDICT);
    }

    @Test
    void find_shouldBeEmpty_whenMethodOrResourceIsUnknown() {
        assertThat(Routes.find("DELETE", "/models/{name}")).isEmpty();
        assertThat(Routes.find("GET", "/models/iris")).isEmpty(); // a concrete path is not a resource
        assertThat(Routes.find(null, "/health")).isEmpty();
        assertThat(Routes.find("GET", null)).isEmpty();
    }

    @Test
    void deniedTo_shouldListTheAdminRoutes_whenTheRoleIsPredict() {
        assertThat(Routes.deniedTo(Role.PREDICT)).extracting(Route::resource).containsExactly(
                "/models/{name}/versions", "/models/{name}/aliases/{alias}", "/models/{name}/audit", "/predictions",
                "/models/{name}/training", "/models/{name}/training", "/models/{name}/train", "/models/{name}/drift/config",
                "/models/{name}/drift/config", "/models/{name}/drift", "/models/{name}/versions/{version}/baseline",
                "/models/{name}/quality", "/models/{name}/quality/config", "/models/{name}/quality/config");
        assertThat(Routes.deniedTo(Role.ADMIN)).isEmpty();
        assertThat(Routes.deniedTo(Role.PUBLIC)).noneMatch(r -> r.role() == Role.PUBLIC).hasSize(30);
    }

    @Test
    void arnPath_shouldStarEveryPathParameter_andDropTheLeadingSlash() {
        assertThat(List.of(new Route("PUT", "/models/{name}/aliases/{alias}", Role.ADMIN).arnPath(),
                new Route("GET", "/predictions", Role.ADMIN).arnPath()))
                .containsExactly("models/*/aliases/*", "predictions");
    }
}
