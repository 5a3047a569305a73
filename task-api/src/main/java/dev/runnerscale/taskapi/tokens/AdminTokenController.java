package dev.runnerscale.taskapi.tokens;

import dev.runnerscale.taskapi.web.ApiProblem;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.util.List;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Minting, listing and revoking tokens; requires the {@code admin} scope ({@code security.RouteScopes}). */
@RestController
@RequestMapping("/admin/tokens")
class AdminTokenController {

    private final TokenService tokens;

    AdminTokenController(TokenService tokens) {
        this.tokens = tokens;
    }

    record MintRequest(
            @NotBlank @Size(max = 100) @Pattern(regexp = "[A-Za-z0-9._@-]+", message = "letters, digits and ._@- only")
            String owner,

            @NotNull @NotEmpty @Size(max = 3) List<@NotNull Scope> scopes) {}

    record TokenList(List<ApiToken> items) {}

    @PostMapping(consumes = "application/json")
    ResponseEntity<TokenService.MintedToken> mint(@Valid @RequestBody MintRequest request) {
        TokenService.MintedToken minted = tokens.mint(request.owner(), request.scopes());
        return ResponseEntity.created(URI.create("/admin/tokens/" + minted.id()))
                .body(minted);
    }

    @GetMapping
    TokenList list() {
        return new TokenList(tokens.list());
    }

    @DeleteMapping("/{id}")
    ResponseEntity<Void> revoke(@PathVariable UUID id) {
        if (!tokens.revoke(id)) {
            throw ApiProblem.notFound("No token " + id + ".");
        }
        return ResponseEntity.noContent().build();
    }
}
