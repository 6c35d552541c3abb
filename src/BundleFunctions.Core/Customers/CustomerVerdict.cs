namespace BundleFunctions.Customers;

/// <summary>What a customer needs, judged from its relationships and its onboarding (<see cref="CustomerDiscovery"/>).</summary>
public enum CustomerVerdict
{
    /// <summary>
    /// An active relationship grants every role the bundle needs and does not end within 30 days: it can be adopted
    /// (access assignments, consent, access check) without asking the customer for anything.
    /// </summary>
    Covered,

    /// <summary>No relationship can serve: none is active, or each lacks roles, ends within 30 days, or grants only Global Administrator.</summary>
    NeedsNewRelationship,

    /// <summary>An onboarding for the customer is under way, waits for its customer, or waits for an operator after a failed step.</summary>
    Onboarding,

    /// <summary>An operator offboarded it: its relationships were ended or its access removed. A new onboarding brings it back.</summary>
    Offboarded,
}
