using BundleFunctions.Readiness;

namespace BundleFunctions.Ports;

/// <summary>Reads the partner-side setup the bundle depends on: app, service account, Key Vault, Partner Center's webhook.</summary>
public interface IPartnerFacts
{
    /// <summary>Looks at everything once; never throws for what it finds broken (that is the answer).</summary>
    /// <param name="expectedWebhookUrl">This deployment's webhook receiver, when it knows its public URL.</param>
    /// <param name="cancellationToken">Cancels the calls.</param>
    /// <returns>What was seen.</returns>
    Task<PartnerFacts> GatherAsync(Uri? expectedWebhookUrl, CancellationToken cancellationToken);
}
