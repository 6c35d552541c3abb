using System.Text;
using System.Text.Json.Nodes;
using BundleFunctions.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace BundleFunctions.Integration.Tests.Api;

/// <summary>The registration endpoint of a deployment that cannot say where Partner Center should deliver: 503, with the fix.</summary>
public sealed class WebhookRegistrationTests
{
    [Theory]
    [InlineData(null, "This deployment does not know its public webhook URL.", "Set Api__PublicWebhookUrl (in Azure WEBSITE_HOSTNAME provides it), restart, then register.")]
    [InlineData("http://bundle.contoso.example/api/webhooks/partner-center", "Api__PublicWebhookUrl must be an https URL.", "Partner Center delivers events to the internet: only a loopback receiver (the LocalHost) may be http.")]
    public async Task A_deployment_without_a_usable_public_url_registers_nothing_and_says_what_to_set(string? publicUrl, string title, string detail)
    {
        ServiceProvider services = new ServiceCollection()
            .AddLogging()
            .AddProblemDetails()
            .AddSingleton(new ApiOptions { PublicWebhookUrl = publicUrl is null ? null : new Uri(publicUrl) })
            .BuildServiceProvider();
        DefaultHttpContext http = new() { RequestServices = services };
        http.Request.Method = "POST";
        http.Request.ContentType = "application/json";
        http.Request.Body = new MemoryStream("{}"u8.ToArray());
        http.Response.Body = new MemoryStream();

        IResult result = await WebhookRegistrationApi.RegisterAsync(http.Request, services);
        await result.ExecuteAsync(http);
        JsonObject problem = JsonNode.Parse(Encoding.UTF8.GetString(((MemoryStream)http.Response.Body).ToArray()))!.AsObject();

        Assert.Equal(StatusCodes.Status503ServiceUnavailable, http.Response.StatusCode);
        Assert.Equal((title, detail), (problem["title"]!.GetValue<string>(), problem["detail"]!.GetValue<string>()));
    }
}
