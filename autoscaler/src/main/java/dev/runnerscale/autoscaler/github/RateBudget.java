package dev.runnerscale.autoscaler.github;

import java.time.Instant;

/**
 * A credential's primary rate-limit budget as GitHub last reported it in the {@code X-RateLimit-Limit},
 * {@code X-RateLimit-Remaining} and {@code X-RateLimit-Reset} headers of an answer to that credential.
 *
 * @param credential the credential's public id ({@code installation/42}, {@code token}, {@code app})
 * @param limit requests allowed per window (5,000/h for an installation or a token, more for large organisations)
 * @param remaining requests left in the window when GitHub answered
 * @param resetAt when the window resets, on our clock (taken relative to GitHub's {@code Date} header)
 */
public record RateBudget(String credential, long limit, long remaining, Instant resetAt) {}
