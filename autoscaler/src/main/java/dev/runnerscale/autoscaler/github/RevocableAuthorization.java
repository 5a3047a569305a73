package dev.runnerscale.autoscaler.github;

/** Credentials that can be dropped when GitHub refuses them (401), so that the next call obtains fresh ones. */
interface RevocableAuthorization {

    /** GitHub answered 401 to a request sent with {@code authorization} (the full header value). */
    void rejected(String authorization);
}
