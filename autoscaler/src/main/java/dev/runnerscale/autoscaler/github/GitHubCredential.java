package dev.runnerscale.autoscaler.github;

import org.kohsuke.github.authorization.AuthorizationProvider;

/**
 * One credential GitHub counts rate limits against: an installation token, the personal access token, or the App's
 * JWT. Waits, budgets and the {@code scope} tag of the remaining-budget gauge are kept per credential.
 *
 * @param id public, stable id: {@code installation/<id>}, {@code token} or {@code app} (never a secret)
 * @param account the account the credential serves, for the gauge's {@code scope} tag: the organisation or user
 *     login of an installation, {@code token} for the personal access token, {@code app} for the App's JWT
 * @param authorization produces the {@code Authorization} header value
 */
record GitHubCredential(String id, String account, AuthorizationProvider authorization) {

    static final String TOKEN = "token";
    static final String APP = "app";

    static String installationId(long installationId) {
        return "installation/" + installationId;
    }

    // The default toString would reach the provider, which may hold the token itself.
    @Override
    public String toString() {
        return "GitHubCredential[id=" + id + ", account=" + account + "]";
    }
}
