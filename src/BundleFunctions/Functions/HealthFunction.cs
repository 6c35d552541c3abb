using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace BundleFunctions.Functions;

/// <summary>Liveness: the worker runs and answers. Anonymous, and says nothing about configuration.</summary>
public static class HealthFunction
{
    [Function("Health")]
    public static IActionResult Health([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest request) =>
        new OkObjectResult(new { status = "ok" });
}
