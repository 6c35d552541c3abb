using DurableTask.AzureStorage;

namespace BundleFunctions.LocalHost.Durable;

/// <summary>
/// Lets the Azure Storage provider carry what the gRPC sidecar hands it. The sidecar fills an event's <c>Tags</c> with a
/// protobuf <c>MapField&lt;string,string&gt;</c>; the provider writes queue messages with Newtonsoft type names and, reading
/// them back, cannot resolve <c>Google.Protobuf.Collections.MapField</c> (the sub-orchestration never starts). Written as
/// the <c>Dictionary&lt;string,string&gt;</c> the property is declared as, the message round-trips. Every other type keeps its name.
/// </summary>
public sealed class ProtobufMapTypeBinder : ICustomTypeBinder
{
    const string MapField = "Google.Protobuf.Collections.MapField`2";

    /// <inheritdoc />
    public void BindToName(Type serializedType, out string assemblyName, out string typeName)
    {
        ArgumentNullException.ThrowIfNull(serializedType);
        Type written = serializedType.IsGenericType && serializedType.GetGenericTypeDefinition().FullName == MapField
            ? typeof(Dictionary<,>).MakeGenericType(serializedType.GetGenericArguments())
            : serializedType;
        assemblyName = written.Assembly.FullName!;
        typeName = written.FullName!;
    }

    /// <inheritdoc />
    public Type BindToType(string assemblyName, string typeName) =>
        Type.GetType($"{typeName}, {assemblyName}", throwOnError: true)!;
}
