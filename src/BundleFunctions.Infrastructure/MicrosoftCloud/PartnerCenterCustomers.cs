using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Azure.Core;
using BundleFunctions.Ports;

namespace BundleFunctions.Infrastructure.MicrosoftCloud;

/// <summary>
/// Partner Center's customer list (learn.microsoft.com/partner-center/developer/get-a-list-of-customers): pages of
/// <c>items</c>, the next one named by <c>links.next</c> with the headers to send (its <c>MS-ContinuationToken</c>), signed in
/// as the service account (App+User, which the operation supports besides App-only).
/// </summary>
/// <param name="connection">The Microsoft cloud connection.</param>
public sealed class PartnerCenterCustomers(MicrosoftCloudConnection connection) : IPartnerCustomers
{
    /// <summary>The page size asked for; Partner Center may answer with fewer, and the next link says where to go on.</summary>
    public const int PageSize = 500;

    /// <inheritdoc />
    public async Task<PartnerCustomerList> ListCustomersAsync(CancellationToken cancellationToken)
    {
        AccessToken token = await connection.ServiceAccount.GetTokenAsync(new TokenRequestContext([MicrosoftCloudOptions.PartnerCenterScope]), cancellationToken);
        using HttpClient partnerCenter = connection.CreatePartnerCenterClient();
        List<PartnerCustomer> customers = [];
        string? next = $"v1/customers?size={PageSize}";
        IEnumerable<(string Key, string Value)> headers = [];
        int pages = 0;
        while (next is not null)
        {
            using HttpRequestMessage request = new(HttpMethod.Get, next);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Token);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            request.Headers.Add("MS-RequestId", Guid.NewGuid().ToString());
            foreach ((string key, string value) in headers)
            {
                request.Headers.TryAddWithoutValidation(key, value);
            }

            using HttpResponseMessage response = await partnerCenter.SendAsync(request, cancellationToken);
            string body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                string description = CustomerTenantAccess.Description(body);
                throw (int)response.StatusCode is >= 400 and < 500
                    ? new StepFailedException($"Partner Center refused the customer list ({(int)response.StatusCode}): {description}{GraphErrors.HintFor(description)}")
                    : new HttpRequestException($"Partner Center answered {(int)response.StatusCode} to the customer list: {description}", null, response.StatusCode);
            }

            pages++;
            JsonNode page = JsonNode.Parse(body) ?? new JsonObject();
            foreach (JsonNode? item in page["items"]?.AsArray() ?? [])
            {
                JsonNode? profile = item?["companyProfile"];
                string? tenant = profile?["tenantId"]?.GetValue<string>() ?? item?["id"]?.GetValue<string>();
                if (Guid.TryParse(tenant, out Guid tenantId))
                {
                    customers.Add(new PartnerCustomer(tenantId, profile?["companyName"]?.GetValue<string>() ?? tenantId.ToString(), profile?["domain"]?.GetValue<string>()));
                }
            }

            JsonNode? link = page["links"]?["next"];
            next = link?["uri"]?.GetValue<string>()?.TrimStart('/');
            headers = [.. (link?["headers"]?.AsArray() ?? []).Select(h => (h?["key"]?.GetValue<string>() ?? string.Empty, h?["value"]?.GetValue<string>() ?? string.Empty)).Where(h => h.Item1.Length > 0)];
        }

        return new PartnerCustomerList(customers, pages);
    }
}
