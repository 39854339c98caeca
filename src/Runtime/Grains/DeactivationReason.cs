namespace ObjectStore.Runtime.Grains;

/// <summary>Why an activation is leaving (Orleans' <c>DeactivationReasonCode</c>).</summary>
public enum DeactivationReasonCode
{
    /// <summary>No reason given.</summary>
    None,
    /// <summary>Idle longer than its type's collection age.</summary>
    ActivationIdle,
    /// <summary>The silo held more activations than its budget; least recently used idle ones leave.</summary>
    ActivationBudget,
    /// <summary>The grain called <c>DeactivateOnIdle()</c>.</summary>
    ApplicationRequested,
    /// <summary>The silo is shutting down gracefully.</summary>
    ShuttingDown,
}

/// <summary>A deactivation reason with a human-readable description.</summary>
public readonly record struct DeactivationReason(DeactivationReasonCode ReasonCode, string Description);
