using System.Text;
using System.Text.Json.Nodes;
using BundleFunctions.Api;
using Microsoft.AspNetCore.Http;

namespace BundleFunctions.Integration.Tests.Api;

/// <summary>Who the Functions host says is calling: App Service authentication's principal, read only while Easy Auth is on.</summary>
public sealed class ApiCallerTests
{
    [Fact]
    public void The_easy_auth_principal_names_the_person_and_their_highest_role()
    {
        HttpRequest request = WithPrincipal(("preferred_username", "ada@msp.example"), ("roles", "BundleFunctions.Reader"), ("roles", "BundleFunctions.Administrator"), ("roles", "Other.App.Role"));

        ApiCaller? caller = ApiCaller.SignedIn(ApiCaller.FromEasyAuth(request, easyAuthEnabled: true));

        Assert.Equal(new ApiCaller("ada@msp.example", ApiRole.Administrator), caller);
        Assert.True(caller!.Holds(ApiRole.Operator));
    }

    [Fact]
    public void Without_easy_auth_the_header_is_anyones_to_write_and_is_ignored()
    {
        HttpRequest request = WithPrincipal(("preferred_username", "mallory@example.com"), ("roles", "BundleFunctions.Administrator"));

        Assert.Null(ApiCaller.FromEasyAuth(request, easyAuthEnabled: false));
    }

    [Fact]
    public void A_system_is_named_by_its_app_id_and_the_function_key_holds_operator_but_not_administrator()
    {
        ApiCaller? system = ApiCaller.SignedIn(ApiCaller.FromEasyAuth(WithPrincipal(("azp", "b7a1c3e5-6666-4a6b-9c1d-000000000002"), ("roles", "BundleFunctions.Operator")), easyAuthEnabled: true));

        Assert.Equal(new ApiCaller("app b7a1c3e5-6666-4a6b-9c1d-000000000002", ApiRole.Operator), system);
        Assert.Equal((true, false), (ApiCaller.FunctionKey.Holds(ApiRole.Operator), ApiCaller.FunctionKey.Holds(ApiRole.Administrator)));
    }

    static HttpRequest WithPrincipal(params (string Type, string Value)[] claims)
    {
        JsonObject principal = new()
        {
            ["auth_typ"] = "aad",
            ["claims"] = new JsonArray([.. claims.Select(c => (JsonNode)new JsonObject { ["typ"] = c.Type, ["val"] = c.Value })]),
        };
        DefaultHttpContext http = new();
        http.Request.Headers["X-MS-CLIENT-PRINCIPAL"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(principal.ToJsonString()));
        return http.Request;
    }
}
