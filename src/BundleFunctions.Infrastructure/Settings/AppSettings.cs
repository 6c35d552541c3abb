using BundleFunctions.Ports;
using Microsoft.Extensions.Configuration;

namespace BundleFunctions.Infrastructure.Settings;

/// <summary>The host's configuration as <see cref="IAppSettings"/>, read with <see cref="SettingsSection"/>'s rules.</summary>
/// <param name="configuration">The host's configuration.</param>
public sealed class AppSettings(IConfiguration configuration) : IAppSettings
{
    /// <inheritdoc />
    public string? this[string key] => configuration[key] is { Length: > 0 } value ? value : null;

    /// <inheritdoc />
    public T Section<T>(string name)
        where T : new() => SettingsSection.Read<T>(configuration, name);
}
