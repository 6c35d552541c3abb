using Azure;
using Azure.Security.KeyVault.Secrets;

namespace BundleFunctions.Infrastructure.MicrosoftCloud;

/// <summary>
/// Where the service account's refresh token lives between runs: a Key Vault secret, one version per rotation. Entra
/// hands out a new refresh token with every redemption; keeping only the configured one means the consent step stops
/// working 90 days after it was issued, however busy the app was. Storing each new one keeps the chain alive.
/// </summary>
/// <param name="secrets">The vault's secrets client.</param>
/// <param name="name">The secret's name.</param>
public sealed class RefreshTokenVault(SecretClient secrets, string name)
{
    /// <summary>The stored token, or null when the secret does not exist yet.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The newest stored refresh token, if any.</returns>
    public async Task<string?> LoadAsync(CancellationToken cancellationToken)
    {
        try
        {
            return (await secrets.GetSecretAsync(name, cancellationToken: cancellationToken)).Value.Value;
        }
        catch (RequestFailedException missing) when (missing.Status == 404)
        {
            return null;
        }
    }

    /// <summary>Stores a rotated refresh token as the secret's new version.</summary>
    /// <param name="refreshToken">The token Entra just returned.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    public async Task SaveAsync(string refreshToken, CancellationToken cancellationToken)
    {
        try
        {
            await secrets.SetSecretAsync(new KeyVaultSecret(name, refreshToken) { Properties = { ContentType = "application/vnd.bundlefunctions.refresh-token" } }, cancellationToken);
        }
        catch (RequestFailedException refused)
        {
            // Said now, not in 90 days when the configured token expires.
            throw new InvalidOperationException(
                $"The rotated service-account refresh token could not be stored in Key Vault secret '{name}' ({refused.Status} {refused.ErrorCode}): "
                + "give the app's identity Key Vault Secrets Officer on the vault.", refused);
        }
    }
}
