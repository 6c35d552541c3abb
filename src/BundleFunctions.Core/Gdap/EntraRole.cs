namespace BundleFunctions.Gdap;

/// <summary>An Entra built-in directory role, identified by its role <em>template</em> ID (what GDAP calls <c>roleDefinitionId</c>).</summary>
/// <param name="Name">The role's display name, e.g. <c>Exchange Administrator</c>.</param>
/// <param name="TemplateId">The role template ID, identical in every tenant.</param>
public sealed record EntraRole(string Name, Guid TemplateId)
{
    /// <inheritdoc />
    public override string ToString() => $"{this.Name} ({this.TemplateId})";
}
