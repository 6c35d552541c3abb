using BundleFunctions.Ports;
using Microsoft.DurableTask;

namespace BundleFunctions.Activities;

/// <summary>Writes one entry to the partner-wide operations audit, for an outcome an orchestrator decided itself.</summary>
/// <param name="audit">The partner-wide audit.</param>
public sealed class RecordOperationActivity(IOperationsAudit audit) : TaskActivity<OperationRecord, bool>
{
    /// <inheritdoc />
    public override async Task<bool> RunAsync(TaskActivityContext context, OperationRecord input)
    {
        ArgumentNullException.ThrowIfNull(input);
        await audit.RecordAsync(input.PartnerTenantId, input.Entry, CancellationToken.None);
        return true;
    }
}

/// <summary>An operations audit entry and the partner it belongs to.</summary>
/// <param name="PartnerTenantId">The partner tenant.</param>
/// <param name="Entry">The entry.</param>
public sealed record OperationRecord(Guid PartnerTenantId, OperationsAuditEntry Entry);
