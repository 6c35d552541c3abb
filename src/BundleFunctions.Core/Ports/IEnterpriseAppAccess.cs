namespace BundleFunctions.Ports;

/// <summary>
/// The enterprise-app path into a customer tenant: Entra's admin-consent link for the customer's Global Administrator, and
/// the app's own (app-only) access there once consented — the application permissions admin consent grants.
/// </summary>
public interface IEnterpriseAppAccess
{
    /// <summary>
    /// The admin-consent link for <paramref name="customerTenantId"/>: Entra's <c>/{tenant}/v2.0/adminconsent</c> with the
    /// app's client ID, the <c>.default</c> scope, the deployment's registered callback and <paramref name="state"/>.
    /// </summary>
    /// <param name="customerTenantId">The customer.</param>
    /// <param name="state">The value Entra returns to the callback, which binds the answer to the onboarding.</param>
    /// <returns>The link.</returns>
    Uri ConsentLinkFor(Guid customerTenantId, string state);

    /// <summary>
    /// Checks the app's access in the customer tenant app-only: an app-only token can be had there (the app is consented),
    /// it carries every application permission the app registration asks for, and a Graph call with it succeeds.
    /// </summary>
    /// <param name="customerTenantId">The customer.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>What works and what is missing.</returns>
    Task<AppAccessReport> ProbeAsync(Guid customerTenantId, CancellationToken cancellationToken);
}

/// <summary>The app's app-only access in a customer tenant: green when consented with nothing missing.</summary>
/// <param name="Consented">The app has a service principal there (an app-only token could be had).</param>
/// <param name="MissingPermissions">Application permissions the app registration asks for that the customer's consent did not grant.</param>
/// <param name="Problems">Other failures (the token refused, the Graph call refused), in words an operator can act on.</param>
public sealed record AppAccessReport(bool Consented, IReadOnlyList<string> MissingPermissions, IReadOnlyList<string> Problems)
{
    /// <summary>Whether app-only access works: the green shield.</summary>
    public bool IsGreen => this.Consented && this.MissingPermissions.Count == 0 && this.Problems.Count == 0;

    /// <summary>What is missing, in words an operator can act on.</summary>
    /// <returns>The description; empty when green.</returns>
    public string Describe() => string.Join(
        " ",
        [
            .. this.MissingPermissions.Count > 0
                ? [$"The customer's consent lacks the application permission(s) {string.Join(", ", this.MissingPermissions)} that the app registration asks for: send the customer's Global Administrator the admin-consent link again."]
                : Array.Empty<string>(),
            .. this.Problems,
        ]);
}
