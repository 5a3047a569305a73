package dev.runnerscale.autoscaler.security;

import dev.runnerscale.autoscaler.api.ApiProperties;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
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
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * The one filter chain of the autoscaler's public port. Who may call what:
 *
 * <ul>
 *   <li>{@code POST /webhooks/github}: anyone; its HMAC signature, checked by the controller against
 *       {@code runnerscale.webhook.secrets}, is its authentication;
 *   <li>{@code /api/**} (all of it, whatever routes it gains): an operator token ({@code runnerscale.api.tokens});
 *   <li>anything else needs nothing: it is no route, and MVC answers 404. {@code RouteSecurityTest} enumerates every
 *       route MVC maps and fails when one other than the webhook answers without a token.
 * </ul>
 *
 * Actuator is not on this port at all ({@code management.server.port}); Spring Boot applies this chain there too,
 * where the catch-all lets the probes and the scrape through.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    private static final Logger log = LoggerFactory.getLogger(SecurityConfiguration.class);

    @Bean
    SecurityFilterChain publicPortSecurity(
            HttpSecurity http,
            PathPatternRequestMatcher.Builder paths,
            ApiProperties properties,
            Environment environment,
            SecurityProblems problems) {
        RequestMatcher api = paths.matcher("/api/**");
        // Spring Security's RFC 6750 parsing of "Authorization: Bearer <token>", on /api/** only: the webhook path
        // (thousands a second) never pays for it, and a header there is none of ours.
        BearerTokenAuthenticationConverter bearerTokens = new BearerTokenAuthenticationConverter();
        AuthenticationConverter apiOnly = request -> api.matches(request) ? bearerTokens.convert(request) : null;
        BearerTokenAuthenticationFilter bearer = new BearerTokenAuthenticationFilter(
                new ProviderManager(new OperatorTokenAuthenticationProvider(properties.tokens())), apiOnly);
        bearer.setAuthenticationEntryPoint(problems);
        boolean apiOpen = apiOpen(properties, environment);
        http
                // CSRF protection guards cookie sessions, which a browser attaches on its own; the operator token sits
                // in a header only the client's code sets, GitHub signs its webhooks, and there are no cookies here.
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
                    // First, and cheapest: the route GitHub posts to.
                    requests.requestMatchers(paths.matcher(HttpMethod.POST, "/webhooks/github"))
                            .permitAll();
                    if (apiOpen) {
                        requests.requestMatchers(api).permitAll();
                    } else {
                        requests.requestMatchers(api).hasRole(OperatorTokenAuthenticationProvider.ROLE);
                    }
                    requests.anyRequest().permitAll();
                });
        return http.build();
    }

    /**
     * No Micrometer observations of Spring Security's own filters, authentications and authorisations: each request
     * is already timed by {@code http.server.requests} with its status (401, 403, 400 included), and an observation
     * per security filter per request is cost without a reader (every webhook delivery would pay for it).
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

    /**
     * Whether {@code /api/**} is served without a token: only when explicitly configured so, or in the local default
     * without tokens. Anywhere else a missing token stops start-up rather than exposing the API.
     */
    static boolean apiOpen(ApiProperties properties, Environment environment) {
        if (!properties.tokens().isEmpty()) {
            if (properties.open()) {
                log.warn("runnerscale.api.open=true is ignored: operator tokens are configured, /api/** requires one");
            }
            return false;
        }
        if (properties.open()) {
            log.warn("UNSAFE: runnerscale.api.open=true, /api/** is served without any token to whoever reaches"
                    + " this port");
            return true;
        }
        if (environment.acceptsProfiles(Profiles.of("local"))) {
            log.info("local default: no operator token configured, /api/** needs none");
            return true;
        }
        throw new IllegalStateException("No operator token configured: set runnerscale.api.tokens (env"
                + " RUNNERSCALE_API_TOKENS, comma separated; e.g. `openssl rand -hex 32`), or, only where no one"
                + " else can reach the port, runnerscale.api.open=true (unsafe: /api/** then needs no token)");
    }
}
