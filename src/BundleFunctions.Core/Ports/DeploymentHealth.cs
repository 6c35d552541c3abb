namespace BundleFunctions.Ports;

/// <summary>
/// What the deployment's own configuration lacks, by setting name and never by value: what <c>/api/health</c> reports, so an
/// engineer sees "MicrosoftCloud__ClientSecret did not resolve" instead of a function app that does nothing.
/// </summary>
/// <param name="MicrosoftCloud">Null when the Microsoft cloud connection is configured; else why not and the fix.</param>
/// <param name="UnresolvedSettings">App settings that still read <c>@Microsoft.KeyVault(…)</c>: App Service could not resolve them.</param>
public sealed record DeploymentHealth(string? MicrosoftCloud, IReadOnlyList<string> UnresolvedSettings)
{
    /// <summary>Whether everything configured resolved and the Microsoft cloud connection is usable.</summary>
    public bool IsHealthy => this.MicrosoftCloud is null && this.UnresolvedSettings.Count == 0;
}
