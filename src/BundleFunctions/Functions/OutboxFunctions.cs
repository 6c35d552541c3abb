using BundleFunctions.Infrastructure.Events;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace BundleFunctions.Functions;

/// <summary>Publishes the transactional outbox to Service Bus every minute.</summary>
public static class OutboxFunctions
{
    [Function("DispatchOutbox")]
    public static async Task Dispatch([TimerTrigger("0 */1 * * * *")] TimerInfo timer, FunctionContext function)
    {
        OutboxDispatcher dispatcher = (OutboxDispatcher)function.InstanceServices.GetService(typeof(OutboxDispatcher))!;
        (int published, Exception? stoppedBy) = await dispatcher.DispatchAsync(function.CancellationToken);
        ILogger log = function.GetLogger("DispatchOutbox");
        if (stoppedBy is not null)
        {
            log.LogWarning(stoppedBy, "Published {Published} events, then stopped; the rest stay in the outbox.", published);
        }
    }
}
