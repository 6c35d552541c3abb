using System.Net;
using System.Net.Http.Headers;
using BundleFunctions.Infrastructure.MicrosoftCloud;
using BundleFunctions.Ports;
using Microsoft.Graph.Models.ODataErrors;

namespace BundleFunctions.Integration.Tests.MicrosoftCloud;

public sealed class MicrosoftCloudResilienceTests
{
    static readonly MicrosoftCloudResilience Policy = new() { MaxAttempts = 4, FirstBackoff = TimeSpan.FromMilliseconds(100), MaxWait = TimeSpan.FromSeconds(30) };

    static (bool Retry, TimeSpan Wait) Assess(HttpMethod method, HttpStatusCode status, int attempt = 1, TimeSpan? retryAfter = null)
    {
        using HttpRequestMessage request = new(method, "https://graph.example/v1.0/groups");
        using HttpResponseMessage response = new(status);
        if (retryAfter is TimeSpan after)
        {
            response.Headers.RetryAfter = new RetryConditionHeaderValue(after);
        }

        return Policy.Assess(request, response, attempt);
    }

    [Fact]
    public void A_429_waits_what_retry_after_says_and_a_hair_more()
    {
        Assert.Equal((true, TimeSpan.FromSeconds(7) + MicrosoftCloudResilience.Default.RetryAfterMargin), Assess(HttpMethod.Post, HttpStatusCode.TooManyRequests, retryAfter: TimeSpan.FromSeconds(7)));
    }

    [Fact]
    public void A_retry_after_longer_than_an_activity_holds_is_handed_to_the_orchestration_whole()
    {
        MicrosoftBusyException busy = Assert.Throws<MicrosoftBusyException>(() => Assess(HttpMethod.Get, HttpStatusCode.ServiceUnavailable, retryAfter: TimeSpan.FromSeconds(315)));

        Assert.Equal(TimeSpan.FromSeconds(315), busy.RetryAfter);
        Assert.Contains("retry-after-seconds=315", busy.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_429_without_retry_after_backs_off_with_jitter()
    {
        (bool retry, TimeSpan wait) = Assess(HttpMethod.Get, HttpStatusCode.TooManyRequests, attempt: 3);

        Assert.True(retry);
        Assert.InRange(wait, TimeSpan.FromMilliseconds(400), TimeSpan.FromMilliseconds(600));
    }

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.BadGateway)]
    [InlineData(HttpStatusCode.GatewayTimeout)]
    public void A_server_error_is_retried_for_a_read(HttpStatusCode status)
    {
        Assert.True(Assess(HttpMethod.Get, status).Retry);
    }

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.GatewayTimeout)]
    public void A_server_error_is_not_resent_for_a_create_that_may_have_happened(HttpStatusCode status)
    {
        Assert.False(Assess(HttpMethod.Post, status).Retry);
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest)]
    [InlineData(HttpStatusCode.Forbidden)]
    [InlineData(HttpStatusCode.NotFound)]
    [InlineData(HttpStatusCode.Conflict)]
    [InlineData(HttpStatusCode.PreconditionFailed)]
    public void A_client_error_is_never_resent(HttpStatusCode status)
    {
        Assert.False(Assess(HttpMethod.Get, status).Retry);
    }

    [Fact]
    public void Attempts_are_bounded_and_throttling_that_outlasts_them_is_handed_to_the_orchestration()
    {
        Assert.False(Assess(HttpMethod.Get, HttpStatusCode.BadGateway, attempt: 4).Retry);
        Assert.Equal(TimeSpan.FromSeconds(7), Assert.Throws<MicrosoftBusyException>(() => Assess(HttpMethod.Get, HttpStatusCode.TooManyRequests, attempt: 4, retryAfter: TimeSpan.FromSeconds(7))).RetryAfter);
    }

    [Fact]
    public async Task A_404_right_after_a_create_is_waited_out()
    {
        int calls = 0;

        string result = await Policy.UntilReplicatedAsync(
            () => ++calls < 3 ? throw new ODataError { ResponseStatusCode = 404 } : Task.FromResult("visible"),
            default);

        Assert.Equal(("visible", 3), (result, calls));
    }

    [Fact]
    public async Task Other_graph_errors_pass_through_at_once()
    {
        int calls = 0;

        await Assert.ThrowsAsync<ODataError>(() => Policy.UntilReplicatedAsync<string>(() =>
        {
            calls++;
            throw new ODataError { ResponseStatusCode = 403 };
        }, default));

        Assert.Equal(1, calls);
    }
}
