using ObjectStore.Storage.Objects;

namespace ObjectStore.Gateway.Admission;

/// <summary>Scope conditions of killswitches and rate-limit rules: every listed pair must be present in the request, in any position.</summary>
internal static class ScopeConditions
{
    public static bool AllPresent(Scopes scopes, IEnumerable<KeyValuePair<string, string>> required)
    {
        foreach (var (name, value) in required)
        {
            var found = false;
            foreach (var s in scopes.Items)
            {
                if (s.Name == name && s.Value == value)
                {
                    found = true;
                    break;
                }
            }
            if (!found) return false;
        }
        return true;
    }
}
