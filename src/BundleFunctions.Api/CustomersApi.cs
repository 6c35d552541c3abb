using BundleFunctions.Customers;
using BundleFunctions.Onboarding;
using BundleFunctions.Ports;
using Microsoft.AspNetCore.Http;

namespace BundleFunctions.Api;

/// <summary>
/// <c>/api/customers</c>: the customer book — import it now, list it with filters, read one, map customers to the MSP's
/// PSA/RMM organizations one at a time or in bulk (README, "Customers").
/// </summary>
/// <param name="import">The import.</param>
/// <param name="book">The customer book.</param>
/// <param name="api">API settings.</param>
/// <param name="partner">The partner tenant.</param>
public sealed class CustomersApi(CustomerImport import, ICustomerBook book, ApiOptions api, PartnerTenant partner)
{
    /// <summary>The most mappings one bulk request takes.</summary>
    public const int MaxMappingsPerRequest = 1000;

    /// <summary><c>POST /api/customers/import</c>: imports now and answers with the report.</summary>
    public async Task<IResult> ImportAsync(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        try
        {
            return ApiJson.Json(await import.RunAsync(request.HttpContext.RequestAborted));
        }
        catch (StepFailedException refused)
        {
            return ApiJson.Problem(502, "The customers could not be listed; the customer book was not changed.", refused.Message);
        }
        catch (TimeoutException)
        {
            return ApiJson.Problem(503, "Another import is running and did not finish in time; try again when it has.");
        }
    }

    /// <summary><c>GET /api/customers?verdict=&amp;organizationId=&amp;top=&amp;continuationToken=</c>: one page in tenant-ID order; the next in the <c>Link</c> header.</summary>
    public async Task<IResult> ListAsync(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        (CustomerVerdict? verdict, IResult? badVerdict) = PageRequest.Filter<CustomerVerdict>(request, "verdict", "Unknown verdict.");
        if (badVerdict is not null)
        {
            return badVerdict;
        }

        string? organization = request.Query["organizationId"].FirstOrDefault() is { Length: > 0 } o ? o : null;
        return await PageRequest.ServeAsync(request, async asked =>
        {
            CustomerPage page = await book.ListPageAsync(partner.Id, new CustomerQuery(verdict, organization, asked.Top, asked.After), request.HttpContext.RequestAborted);
            return ((IReadOnlyList<CustomerDocument>)[.. page.Customers.Select(CustomerDocument.From)], page.ContinuationToken);
        });
    }

    /// <summary><c>GET /api/customers/{tenantId}</c>.</summary>
    public async Task<IResult> GetAsync(string tenantId, CancellationToken cancellationToken) =>
        Guid.TryParse(tenantId, out Guid tenant) && await book.GetAsync(partner.Id, tenant, cancellationToken) is { } customer
            ? ApiJson.Json(CustomerDocument.From(customer))
            : NotImported(tenantId);

    /// <summary><c>PUT /api/customers/{tenantId}/organization</c> with <c>{"organizationId": "…"}</c> (null removes the mapping).</summary>
    public async Task<IResult> MapAsync(string tenantId, HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        (OrganizationBody? body, IResult? bad) = await OnboardingApi.ReadBodyAsync<OrganizationBody>(request, api.MaxBodyBytes);
        if (bad is not null)
        {
            return bad;
        }

        if (MappingProblem(body!.OrganizationId) is { } problem)
        {
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["organizationId"] = [problem] }, title: "The organization ID cannot be stored; nothing was changed.");
        }

        return Guid.TryParse(tenantId, out Guid tenant) && await book.SetOrganizationAsync(partner.Id, tenant, body.OrganizationId, request.HttpContext.RequestAborted) is { } mapped
            ? ApiJson.Json(CustomerDocument.From(mapped))
            : NotImported(tenantId);
    }

    /// <summary>
    /// <c>PUT /api/customers/organizations</c> with <c>[{"customerTenantId", "organizationId"}, …]</c>: every mapping is checked
    /// first (known customer, usable ID, each customer once); one bad line refuses the whole request and nothing is written.
    /// </summary>
    public async Task<IResult> MapManyAsync(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        (OrganizationMapping[]? mappings, IResult? bad) = await OnboardingApi.ReadBodyAsync<OrganizationMapping[]>(request, api.MaxBodyBytes);
        if (bad is not null)
        {
            return bad;
        }

        if (mappings!.Length is 0 or > MaxMappingsPerRequest)
        {
            return ApiJson.Problem(400, $"Send 1 to {MaxMappingsPerRequest} mappings; nothing was changed.");
        }

        Dictionary<string, string[]> errors = [];
        for (int i = 0; i < mappings.Length; i++)
        {
            OrganizationMapping line = mappings[i];
            string? problem = line.CustomerTenantId == Guid.Empty ? "customerTenantId is required."
                : mappings.Take(i).Any(m => m.CustomerTenantId == line.CustomerTenantId) ? $"Customer {line.CustomerTenantId} is mapped twice in this request."
                : MappingProblem(line.OrganizationId)
                ?? (await book.GetAsync(partner.Id, line.CustomerTenantId, request.HttpContext.RequestAborted) is null ? $"Customer {line.CustomerTenantId} is not in the customer book: import first (POST /api/customers/import)." : null);
            if (problem is not null)
            {
                errors[$"[{i}]"] = [problem];
            }
        }

        if (errors.Count > 0)
        {
            return Results.ValidationProblem(errors, title: "Some mappings cannot be stored; nothing was changed.");
        }

        List<CustomerDocument> mapped = [];
        foreach (OrganizationMapping line in mappings)
        {
            mapped.Add(CustomerDocument.From((await book.SetOrganizationAsync(partner.Id, line.CustomerTenantId, line.OrganizationId, request.HttpContext.RequestAborted))!));
        }

        return ApiJson.Json(mapped);
    }

    /// <summary>What keeps an organization ID from being mapped: the onboarding's rules, and null (not empty) to remove one.</summary>
    static string? MappingProblem(string? organizationId) =>
        OnboardingRequest.OrganizationIdProblem(organizationId) ?? (organizationId is { Length: 0 } ? "Send null to remove a mapping, not an empty ID." : null);

    static IResult NotImported(string tenantId) =>
        ApiJson.Problem(404, "No such customer in the customer book.", $"'{tenantId}' was not found by the last import; run POST /api/customers/import, then try again.");

    /// <summary>The body of a single mapping.</summary>
    /// <param name="OrganizationId">The organization ID, or null to remove the mapping.</param>
    public sealed record OrganizationBody(string? OrganizationId);

    /// <summary>One line of a bulk mapping.</summary>
    /// <param name="CustomerTenantId">The customer.</param>
    /// <param name="OrganizationId">The organization ID, or null to remove the mapping.</param>
    public sealed record OrganizationMapping(Guid CustomerTenantId, string? OrganizationId);
}

/// <summary>A customer as the API shows it.</summary>
/// <param name="TenantId">The customer's tenant.</param>
/// <param name="Name">Its name.</param>
/// <param name="Domain">Its default domain.</param>
/// <param name="InPartnerCenter">Whether Partner Center lists it.</param>
/// <param name="Verdict">What it needs.</param>
/// <param name="VerdictReason">Why.</param>
/// <param name="CoveringRelationshipId">The relationship that covers it.</param>
/// <param name="Relationships">Its relationships.</param>
/// <param name="OnboardingId">Its onboarding.</param>
/// <param name="OnboardingStatus">The onboarding's status at the import.</param>
/// <param name="Shield">Its shield at the import.</param>
/// <param name="OrganizationId">The mapped organization.</param>
/// <param name="ImportedAt">When it was last imported.</param>
/// <param name="Offboarding">When, by whom and how it was offboarded; null unless it was.</param>
public sealed record CustomerDocument(
    Guid TenantId,
    string Name,
    string? Domain,
    bool InPartnerCenter,
    CustomerVerdict Verdict,
    string VerdictReason,
    string? CoveringRelationshipId,
    IReadOnlyList<RelationshipDocument> Relationships,
    string? OnboardingId,
    OnboardingStatus? OnboardingStatus,
    Shield Shield,
    string? OrganizationId,
    DateTimeOffset ImportedAt,
    CustomerOffboarding? Offboarding)
{
    /// <summary>The document of a stored customer.</summary>
    /// <param name="customer">The customer.</param>
    /// <returns>The document.</returns>
    public static CustomerDocument From(CustomerRecord customer)
    {
        ArgumentNullException.ThrowIfNull(customer);
        return new(
            customer.TenantId, customer.Name, customer.Domain, customer.InPartnerCenter, customer.Verdict, customer.VerdictReason, customer.CoveringRelationshipId,
            [.. customer.Relationships.Select(r => new RelationshipDocument(r.Id, r.Name, r.Status, r.RoleTemplateIds, r.EndDateTime, r.AutoExtends, r.HoldsGlobalAdministrator, r.IsMicrosoftLed, r.AssignedRoleTemplateIds))],
            customer.OnboardingId, customer.OnboardingStatus, customer.Shield, customer.OrganizationId, customer.ImportedAt, customer.Offboarding);
    }
}

/// <summary>A customer's relationship as the API shows it.</summary>
/// <param name="Id">Its ID.</param>
/// <param name="Name">Its name.</param>
/// <param name="Status">Its status.</param>
/// <param name="Roles">The role template IDs it grants.</param>
/// <param name="EndDateTime">When it ends.</param>
/// <param name="AutoExtends">Whether it renews itself.</param>
/// <param name="HoldsGlobalAdministrator">Whether it grants Global Administrator.</param>
/// <param name="MicrosoftLed">Whether Microsoft's transition tool made it (<c>MLT_</c>).</param>
/// <param name="AssignedRoles">For an active one, the roles its live access assignments give partner groups (null: not read).</param>
public sealed record RelationshipDocument(string Id, string Name, RelationshipStatus Status, IReadOnlyList<Guid> Roles, DateTimeOffset? EndDateTime, bool AutoExtends, bool HoldsGlobalAdministrator, bool MicrosoftLed, IReadOnlyList<Guid>? AssignedRoles);
