using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using BundleFunctions.Api;
using BundleFunctions.Infrastructure.MicrosoftCloud;

namespace BundleFunctions.Integration.Tests.Docs;

/// <summary>What a newcomer copies must match what the code does: the README's commands and the sample settings.</summary>
public sealed partial class NewcomerDocsTests
{
    static readonly string Readme = File.ReadAllText(RepositoryRoot.Combine("README.md"));

    static readonly JsonObject Sample = JsonNode.Parse(File.ReadAllText(RepositoryRoot.Combine("local.settings.sample.json")))!.AsObject();

    [Fact]
    public void The_readme_try_it_commands_are_exactly_the_ones_run_sh_serve_prints()
    {
        string readme = TryItBlock().Match(Readme).Groups["block"].Value;
        string script = File.ReadAllText(RepositoryRoot.Combine("run.sh"));
        string printed = ServeHeredoc().Match(script).Groups["block"].Value.Replace("\\$", "$", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal);

        Assert.NotEmpty(readme);
        Assert.Equal(printed, readme);
    }

    public static TheoryData<string, Type> OptionSections() => new()
    {
        { MicrosoftCloudOptions.Section, typeof(MicrosoftCloudOptions) },
        { ApiOptions.Section, typeof(ApiOptions) },
        { WorkflowOptions.Section, typeof(WorkflowOptions) },
        { JobOptions.Section, typeof(JobOptions) },
    };

    [Theory]
    [InlineData("Bundle__Integrations")]
    [InlineData("Bundle__GraphPreset")]
    [InlineData("Bundle__GraphPermissions")]
    public void Every_bundle_setting_is_in_the_sample_with_a_description(string name)
    {
        Assert.True(Sample["Values"]!.AsObject().ContainsKey(name), $"{name} is missing from local.settings.sample.json Values");
        Assert.True(Sample["Descriptions"]!.AsObject().ContainsKey(name), $"{name} has no description");
    }

    [Theory]
    [MemberData(nameof(OptionSections))]
    public void Every_setting_the_code_reads_is_in_the_sample_with_a_description(string section, Type options)
    {
        JsonObject values = Sample["Values"]!.AsObject(), descriptions = Sample["Descriptions"]!.AsObject();
        IEnumerable<string> names = options.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite)
            .Select(p => $"{section}__{p.Name}" + (p.PropertyType.IsGenericType && p.PropertyType.GetGenericTypeDefinition() == typeof(List<>) ? "__0" : string.Empty));

        Assert.All(names, name =>
        {
            Assert.True(values.ContainsKey(name), $"{name} is missing from local.settings.sample.json Values");
            Assert.True(descriptions.ContainsKey(name), $"{name} has no description");
        });
    }

    [Fact]
    public void Every_sample_description_describes_a_sample_value()
    {
        Assert.All(Sample["Descriptions"]!.AsObject(), d => Assert.True(Sample["Values"]!.AsObject().ContainsKey(d.Key), $"{d.Key} is described but not listed"));
    }

    [GeneratedRegex(@"### Try it yourself.*?```bash\n(?<block>.*?)```", RegexOptions.Singleline)]
    private static partial Regex TryItBlock();

    [GeneratedRegex(@"\n(?<block>API=http.*?\n)INFO\n", RegexOptions.Singleline)]
    private static partial Regex ServeHeredoc();
}
