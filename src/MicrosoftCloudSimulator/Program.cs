using MicrosoftCloudSimulator.Hosting;

// dotnet run --project src/MicrosoftCloudSimulator [--Simulator:Port=7443]
await using Simulator simulator = await Simulator.StartAsync(args);
Console.WriteLine($"MicrosoftCloudSimulator listening on {simulator.BaseAddress}");
Console.WriteLine($"  HTTPS certificate thumbprint (pin it): {simulator.Thumbprint}");
Console.WriteLine($"  Webhook signing certificate thumbprint: {simulator.WebhookSigningThumbprint}");
Console.WriteLine($"  Graph: {simulator.BaseAddress}v1.0   Partner Center: {simulator.BaseAddress}partnercenter   Login: {simulator.BaseAddress}{{tenant}}/oauth2/v2.0/token");
await simulator.WaitForShutdownAsync();
