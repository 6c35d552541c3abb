using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace BundleFunctions.Infra.Tests;

/// <summary>
/// The Functions app's settings as infra/main.bicep deploys them: the compiled template's <c>appSettings</c>, with the ARM
/// expressions it uses (<c>parameters</c>, <c>variables</c>, <c>format</c>) evaluated against given parameter values. Key
/// Vault references stay unresolved — what the app sees before an operator has stored the secrets. An expression this does
/// not understand fails the test instead of being guessed.
/// </summary>
public static class DeployedAppSettings
{
    /// <summary>The settings, as configuration keys (<c>A__B</c> becomes <c>A:B</c>, as the environment-variable provider reads them).</summary>
    /// <param name="parameters">The function app module's parameter values; a parameter not given gets a value of its kind (see <see cref="Placeholder"/>).</param>
    /// <returns>Configuration key → value.</returns>
    public static Dictionary<string, string?> Evaluate(IReadOnlyDictionary<string, string> parameters)
    {
        static bool IsSite(JsonNode? r) => r?["type"]?.ToString() == "Microsoft.Web/sites" && r["apiVersion"] is not null;

        // The function app module's own template: the one whose resources hold the site directly.
        JsonObject module = Bicep.Descendants(Bicep.Template).Single(o => o["resources"] is JsonArray resources && resources.Any(IsSite));
        JsonObject site = module["resources"]!.AsArray().Single(IsSite)!.AsObject();
        JsonObject variables = module["variables"]!.AsObject();
        return site["properties"]!["siteConfig"]!["appSettings"]!.AsArray().ToDictionary(
            s => s!["name"]!.GetValue<string>().Replace("__", ":", StringComparison.Ordinal),
            s => (string?)new Evaluator(s!["value"]!.GetValue<string>(), name => parameters.TryGetValue(name, out string? v) ? v : Placeholder(name), name => variables[name]!.GetValue<string>()).Run());
    }

    /// <summary>A value of the parameter's kind: a GUID for client IDs, an https endpoint for endpoints and URIs, else a name.</summary>
    public static string Placeholder(string parameter) => parameter switch
    {
        _ when parameter.EndsWith("ClientId", StringComparison.Ordinal) => "11111111-2222-4333-8444-555555555555",
        _ when parameter.EndsWith("Endpoint", StringComparison.Ordinal) || parameter.EndsWith("Uri", StringComparison.Ordinal) => $"https://{parameter.ToLowerInvariant()}.example.net/",
        "serviceBusNamespace" => "sb-bundle.servicebus.windows.net",
        "applicationInsightsConnectionString" => "InstrumentationEndpoint=https://ingest.example.net/;ApplicationId=00000000-0000-0000-0000-000000000000",
        _ => $"{parameter}-value",
    };

    /// <summary>A recursive-descent reader of the expressions the template uses.</summary>
    sealed class Evaluator(string text, Func<string, string> parameter, Func<string, string> variable)
    {
        int at;

        public string Run()
        {
            if (!text.StartsWith('[') || !text.EndsWith(']'))
            {
                return text; // a literal
            }

            this.at = 1;
            string value = this.Expression();
            return this.at == text.Length - 1 ? value : throw new NotSupportedException($"Unread rest of '{text}' at {this.at}.");
        }

        string Expression()
        {
            if (text[this.at] == '\'')
            {
                return this.Literal();
            }

            int start = this.at;
            while (char.IsLetter(text[this.at]))
            {
                this.at++;
            }

            string function = text[start..this.at];
            List<string> arguments = [];
            this.Expect('(');
            while (text[this.at] != ')')
            {
                arguments.Add(this.Expression());
                if (text[this.at] == ',')
                {
                    this.at++;
                    while (text[this.at] == ' ')
                    {
                        this.at++;
                    }
                }
            }

            this.Expect(')');
            return function switch
            {
                "parameters" => parameter(arguments.Single()),
                "variables" => variable(arguments.Single()),
                "format" => string.Format(CultureInfo.InvariantCulture, arguments[0], [.. arguments.Skip(1)]),
                _ => throw new NotSupportedException($"The expression function '{function}' in '{text}' is not evaluated here; teach {nameof(DeployedAppSettings)} it."),
            };
        }

        string Literal()
        {
            StringBuilder value = new();
            for (this.at++; ; this.at++)
            {
                if (text[this.at] == '\'' && text.ElementAtOrDefault(this.at + 1) == '\'')
                {
                    value.Append('\'');
                    this.at++;
                }
                else if (text[this.at] == '\'')
                {
                    this.at++;
                    return value.ToString();
                }
                else
                {
                    value.Append(text[this.at]);
                }
            }
        }

        void Expect(char c)
        {
            if (text[this.at] != c)
            {
                throw new NotSupportedException($"Expected '{c}' at {this.at} in '{text}'.");
            }

            this.at++;
        }
    }
}
