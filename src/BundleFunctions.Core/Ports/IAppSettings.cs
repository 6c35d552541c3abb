namespace BundleFunctions.Ports;

/// <summary>
/// The host's app settings as the product reads them (infra/'s app settings in Azure, local.settings.json locally): a
/// section bound to an options type, where an empty value means "not set" and a malformed one stops start-up naming
/// the setting (never its value), or a single value.
/// </summary>
public interface IAppSettings
{
    /// <summary>A single setting's value, or null when it is not set.</summary>
    /// <param name="key">The setting, sections separated by <c>:</c>.</param>
    string? this[string key] { get; }

    /// <summary>The section <paramref name="name"/> bound to a new <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">The options type.</typeparam>
    /// <param name="name">The section.</param>
    /// <returns>The options; defaults where a setting is empty or missing.</returns>
    /// <exception cref="InvalidOperationException">A set value does not convert; the message names the setting.</exception>
    T Section<T>(string name)
        where T : new();
}
