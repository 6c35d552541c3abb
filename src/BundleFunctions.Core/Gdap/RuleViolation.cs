namespace BundleFunctions.Gdap;

/// <summary>One broken rule in a request: which field, and a sentence a person can act on.</summary>
/// <param name="Field">The request field at fault, in the API's camelCase spelling.</param>
/// <param name="Message">What is wrong and what is allowed.</param>
public sealed record RuleViolation(string Field, string Message);
