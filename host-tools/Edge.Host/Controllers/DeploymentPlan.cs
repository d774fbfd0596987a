using Edge.Host.Objects;

namespace Edge.Host.Controllers;

/// <summary>One step of the deployment controller: pods to create and pods to delete now, and the counts `get deploy` shows.</summary>
public sealed record DeploymentPlan(
    List<KubeObject> Create,
    List<string> Delete,
    int DesiredReplicas,
    int Replicas,
    int UpdatedReplicas,
    int ReadyReplicas,
    string TemplateHash)
{
    /// <summary>Nothing to do this step (the controller waits for pods to become ready or to go).</summary>
    public bool IsIdle => Create.Count == 0 && Delete.Count == 0;

    /// <summary>The rollout is done: exactly the desired number of pods, all from the current template, all ready.</summary>
    public bool IsComplete => IsIdle && Replicas == DesiredReplicas && UpdatedReplicas == DesiredReplicas && ReadyReplicas == DesiredReplicas;
}
