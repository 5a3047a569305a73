package dev.runnerscale.taskapi.security;

import dev.runnerscale.taskapi.tokens.TokenAuthenticationProvider;
import java.util.List;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.oauth2.server.resource.web.authentication.BearerTokenAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.web.authentication.BearerTokenAuthenticationFilter;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AuthenticationConverter;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;
import org.springframework.security.web.firewall.StrictHttpFirewall;
import org.springframework.security.web.header.Header;
import org.springframework.security.web.header.writers.StaticHeadersWriter;

/**
 * The one filter chain of the Task API. Who may call what:
 *
 * <ul>
 *   <li>{@code /admin/**}: a token with {@code admin}; {@code /tasks/**}: {@code tasks:read} to read (GET, HEAD,
 *       OPTIONS), {@code tasks:write} for anything else ({@link RouteScopes});
 *   <li>everything else ({@code /health}, {@code /v3/api-docs}, {@code /error}, and paths that are no route, which
 *       MVC answers 404) needs no token. {@code RouteSecurityTest} enumerates every route MVC maps and fails when
 *       one outside its short public list answers without a token.
 * </ul>
 *
 * Actuator is not on this port at all ({@code management.server.port}); Spring Boot applies this chain there too,
 * where the catch-all lets the probes and the scrape through.
 */
// Only with the web server: the migrate profile (the chart's migration Job) runs without one, and so without
// HttpSecurity or the path matchers.
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    @Bean
    SecurityFilterChain apiSecurity(
            HttpSecurity http, TokenAuthenticationProvider tokens, RouteScopes scopes, SecurityProblems problems) {
        // Spring Security's RFC 6750 parsing of "Authorization: Bearer <token>" in front of our token store, on the
        // protected routes only: a probe or a scrape that happens to carry a header of its own is no token of ours.
        BearerTokenAuthenticationConverter bearerTokens = new BearerTokenAuthenticationConverter();
        AuthenticationConverter protectedRoutesOnly =
                request -> scopes.required(request).isPresent() ? bearerTokens.convert(request) : null;
        BearerTokenAuthenticationFilter bearer =
                new BearerTokenAuthenticationFilter(new ProviderManager(tokens), protectedRoutesOnly);
        bearer.setAuthenticationEntryPoint(problems);
        http
                // CSRF protection guards cookie sessions, which a browser attaches on its own; a bearer token sits in a
                // header that only the client's own code sets, and there are no cookies or sessions here at all.
                .csrf(AbstractHttpConfigurer::disable)
                // Stateless, and cheap for it: no session is ever created or looked up, the security context lives
                // in the request only, and no anonymous authentication is made up for requests without a token.
                .sessionManagement(AbstractHttpConfigurer::disable)
                .securityContext(
                        context -> context.securityContextRepository(new RequestAttributeSecurityContextRepository()))
                .anonymous(AbstractHttpConfigurer::disable)
                .requestCache(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable)
                .servletApi(AbstractHttpConfigurer::disable)
                // The headers an API answer needs, in one writer (Spring's default set writes seven headers through
                // five writers; X-XSS-Protection, Pragma and Expires mean nothing to a JSON client). HSTS on HTTPS.
                .headers(headers -> headers.defaultsDisabled()
                        .addHeaderWriter(new StaticHeadersWriter(List.of(
                                new Header("X-Content-Type-Options", "nosniff"),
                                new Header(HttpHeaders.CACHE_CONTROL, "no-store"),
                                new Header("X-Frame-Options", "DENY"))))
                        .httpStrictTransportSecurity(Customizer.withDefaults()))
                .addFilter(bearer)
                .exceptionHandling(
                        errors -> errors.authenticationEntryPoint(problems).accessDeniedHandler(problems))
                .authorizeHttpRequests(requests -> {
                    scopes.rules()
                            .forEach(rule -> requests.requestMatchers(rule.matcher())
                                    .hasAuthority(rule.scope().authority()));
                    requests.anyRequest().permitAll();
                });
        return http.build();
    }

    /**
     * No Micrometer observations of Spring Security's own filters, authentications and authorisations: each request
     * is already timed by {@code http.server.requests} with its status (401, 403, 400 included), and an observation
     * per security filter per request is cost without a reader.
     */
    @Bean
    SecurityObservationSettings securityObservationSettings() {
        return SecurityObservationSettings.noObservations();
    }

    /**
     * Spring Security's strict firewall, declared so that it is visible: it refuses, before any routing, a method
     * outside GET/HEAD/POST/PUT/PATCH/DELETE/OPTIONS, {@code ;}, an encoded {@code /}, {@code \}, {@code .} or
     * {@code %}, {@code ..} and {@code //} segments, and non-printable characters in the path, header names and
     * values, and parameter names. {@link SecurityProblems} answers them with a 400 problem detail. One change to its
     * defaults: control characters in parameter values are refused too (the default lets any value through), since
     * none of our parameters can hold one and a NUL or CR LF there is an attack, not input.
     */
    @Bean
    StrictHttpFirewall httpFirewall() {
        StrictHttpFirewall firewall = new StrictHttpFirewall();
        firewall.setAllowedParameterValues(value -> value.codePoints().noneMatch(Character::isISOControl));
        return firewall;
    }
}
