namespace BundleFunctions.Ports;

/// <summary>
/// This deployment's registration with Partner Center's webhooks for the GDAP events the product acts on. Partner Center
/// keeps one registration per partner tenant.
/// </summary>
public interface IWebhookRegistration
{
    /// <summary>The events the receiver handles.</summary>
    static readonly IReadOnlyList<string> Events =
    [
        "granular-admin-relationship-approved", "granular-admin-relationship-activated", "granular-admin-relationship-terminated",
        "granular-admin-relationship-expired", "granular-admin-access-assignment-activated",
    ];

    /// <summary>
    /// Registers <paramref name="webhookUrl"/>. A registration for another URL — perhaps another tool's — is overwritten only
    /// when <paramref name="replace"/> says so.
    /// </summary>
    /// <param name="webhookUrl">The public URL of <c>/api/webhooks/partner-center</c>.</param>
    /// <param name="replace">Overwrite a registration for another URL.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>What was done, and the URL registered before.</returns>
    /// <exception cref="StepFailedException">Partner Center refused.</exception>
    Task<WebhookRegistrationOutcome> RegisterAsync(Uri webhookUrl, bool replace, CancellationToken cancellationToken);
}

/// <summary>What a registration did.</summary>
public enum WebhookRegistrationResult
{
    /// <summary>There was none; this one was created.</summary>
    Created,

    /// <summary>This URL was registered already; its events were brought up to date.</summary>
    Updated,

    /// <summary>Another URL was registered and was replaced by this one, as asked.</summary>
    Replaced,

    /// <summary>Another URL is registered and was left as it is (no <c>replace</c>).</summary>
    KeptOther,
}

/// <summary>The result of a registration and the URL registered before it.</summary>
/// <param name="Result">What was done.</param>
/// <param name="Previous">The URL registered before, if any.</param>
public sealed record WebhookRegistrationOutcome(WebhookRegistrationResult Result, Uri? Previous);
