using Microsoft.Extensions.Configuration;

namespace BundleFunctions.Infrastructure.Settings;

/// <summary>
/// Reads a settings section the way infra/ and local.settings.sample.json write it: an empty value means "not set", so an
/// optional <c>Guid</c> or <c>TimeSpan</c> left empty keeps its default instead of stopping every function from loading
/// (the configuration binder throws on <c>""</c> for those types). A value that is set but malformed is named, with its section.
/// </summary>
public static class SettingsSection
{
    /// <summary>The section <paramref name="name"/> bound to a new <typeparamref name="T"/>; empty values are left at their defaults.</summary>
    /// <typeparam name="T">The options type.</typeparam>
    /// <param name="configuration">The configuration.</param>
    /// <param name="name">The section name.</param>
    /// <returns>The options.</returns>
    /// <exception cref="InvalidOperationException">A set value does not convert; the message names the app setting.</exception>
    public static T Read<T>(IConfiguration configuration, string name)
        where T : new()
    {
        ArgumentNullException.ThrowIfNull(configuration);
        IConfigurationSection section = configuration.GetSection(name);
        IConfiguration set = new ConfigurationBuilder()
            .AddInMemoryCollection(section.AsEnumerable(makePathsRelative: true).Where(setting => !string.IsNullOrWhiteSpace(setting.Value)))
            .Build();
        T options = new();
        try
        {
            set.Bind(options);
        }
        catch (InvalidOperationException malformed)
        {
            // The binder's message quotes the value; ours names the setting and the expected type only (a value may be secret).
            System.Text.RegularExpressions.Match where = System.Text.RegularExpressions.Regex.Match(malformed.Message, "at '(?<path>[^']+)' to type '(?<type>[^']+)'");
            string setting = where.Success ? $"{name}__{where.Groups["path"].Value.Replace(":", "__", StringComparison.Ordinal)}" : name;
            string type = where.Success ? where.Groups["type"].Value.Replace("System.", string.Empty, StringComparison.Ordinal) : "the expected type";
            throw new InvalidOperationException($"The app setting {setting} has a value of the wrong form: it must be a {type}. Correct it, or leave it empty for the default, and restart.");
        }

        return options;
    }

    /// <summary>
    /// The settings that still read <c>@Microsoft.KeyVault(</c>: App Service passes a reference it could not resolve on as its
    /// own text (the secret is missing, or the app identity cannot read it). Named as app settings (<c>A__B</c>).
    /// </summary>
    /// <param name="configuration">The configuration.</param>
    /// <returns>The setting names, sorted.</returns>
    public static IReadOnlyList<string> UnresolvedKeyVaultReferences(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return [.. configuration.AsEnumerable()
            .Where(setting => IsUnresolvedKeyVaultReference(setting.Value))
            .Select(setting => setting.Key.Replace(":", "__", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)];
    }

    /// <summary>Whether a value is a Key Vault reference App Service did not resolve.</summary>
    /// <param name="value">The value.</param>
    /// <returns>True for <c>@Microsoft.KeyVault(…)</c>.</returns>
    public static bool IsUnresolvedKeyVaultReference(string? value) => value?.TrimStart().StartsWith("@Microsoft.KeyVault(", StringComparison.OrdinalIgnoreCase) == true;
}
