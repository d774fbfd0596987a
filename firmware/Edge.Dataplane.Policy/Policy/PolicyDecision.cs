namespace Edge.Dataplane.Policy
{
    /// <summary>
    /// Why <see cref="PolicyEvaluator"/> decided as it did, for counters and for `edgectl policy
    /// check`: whether any policy isolates the pod in that direction, and which policy and rule
    /// allowed the traffic (or which policy isolated the pod when nothing allowed it). One is
    /// made per engine and refilled for every decision.
    /// </summary>
    public sealed class PolicyDecision
    {
        /// <summary>Some policy selecting the pod has this direction in its policyTypes.</summary>
        public bool Isolated;

        /// <summary>Allowed: the policy whose rule allowed it. Denied: the first policy that isolates the pod. Not isolated: -1.</summary>
        public int Policy = -1;

        /// <summary>The rule (an index into the set's rules) that allowed it; -1 when none did.</summary>
        public int Rule = -1;

        public void Reset()
        {
            Isolated = false;
            Policy = -1;
            Rule = -1;
        }
    }
}
