namespace Edge.Host.Api.OpenApi;

/// <summary>apps/v1 Deployment, and autoscaling/v1 Scale (a deployment's scale subresource).</summary>
public static partial class ApiTypes
{
    private const string Apps = "io.k8s.api.apps.v1.";
    private const string Autoscaling = "io.k8s.api.autoscaling.v1.";

    private static IEnumerable<ApiType> AppsTypes() =>
    [
        KindType(Apps + "Deployment", "A deployment: a number of identical pods, replaced a few at a time when their template changes.",
            Ref("spec", Apps + "DeploymentSpec", "The pods the deployment is to run."),
            Ref("status", Apps + "DeploymentStatus", "How far the deployment has got.")),
        Struct(Apps + "DeploymentSpec", "The pods a deployment is to run, and how to replace them.",
            Int("replicas", "How many pods; 1 when unset."),
            Required(Ref("selector", Meta + "LabelSelector", "The labels of the deployment's pods; the template's labels must match.")),
            Required(Ref("template", Core + "PodTemplateSpec", "The pods to make.")),
            Ref("strategy", Apps + "DeploymentStrategy", "How old pods are replaced by new ones."),
            Int("minReadySeconds", "Seconds a new pod must be ready before it counts as available."),
            Int("revisionHistoryLimit", "How many old revisions to keep for rollbacks."),
            Bool("paused", "Whether the deployment is paused."),
            Int("progressDeadlineSeconds", "Seconds a rollout may go without progress before it is reported failed.")),
        Struct(Apps + "DeploymentStrategy", "How a deployment replaces its pods.",
            Str("type", "RollingUpdate (the default) or Recreate."),
            Ref("rollingUpdate", Apps + "RollingUpdateDeployment", "The pace of a rolling update.")),
        Struct(Apps + "RollingUpdateDeployment", "The pace of a rolling update.",
            Ref("maxUnavailable", IntOrString, "How many pods may be unavailable during the update: a number or a percentage (25% when unset)."),
            Ref("maxSurge", IntOrString, "How many pods may be made above the desired number: a number or a percentage (25% when unset).")),
        Struct(Apps + "DeploymentStatus", "How far a deployment has got.",
            Long("observedGeneration", "The generation the controller last acted on."),
            Int("replicas", "Pods the deployment has."),
            Int("updatedReplicas", "Pods made from the current template."),
            Int("readyReplicas", "Pods that are ready."),
            Int("availableReplicas", "Pods that have been ready for minReadySeconds."),
            Int("unavailableReplicas", "Pods still needed for the deployment to be available."),
            Int("terminatingReplicas", "Pods that are stopping."),
            List("conditions", Apps + "DeploymentCondition", "The deployment's conditions.", "type"),
            Int("collisionCount", "Hash collisions met when naming the deployment's replica sets.")),
        Struct(Apps + "DeploymentCondition", "A condition of a deployment: Available, Progressing, ReplicaFailure.",
            Required(Str("type", "The condition.")),
            Required(Str("status", "True, False or Unknown.")),
            Ref("lastUpdateTime", Meta + "Time", "When the condition was last updated."),
            Ref("lastTransitionTime", Meta + "Time", "When the status last changed."),
            Str("reason", "Why, in a word."),
            Str("message", "Why, for people.")),

        KindType(Autoscaling + "Scale", "How many replicas a resource has and is to have.",
            Ref("spec", Autoscaling + "ScaleSpec", "How many replicas it is to have."),
            Ref("status", Autoscaling + "ScaleStatus", "How many it has.")),
        Struct(Autoscaling + "ScaleSpec", "How many replicas a resource is to have.",
            Int("replicas", "The desired number.")),
        Struct(Autoscaling + "ScaleStatus", "How many replicas a resource has.",
            Required(Int("replicas", "The number it has.")),
            Str("selector", "The label selector of its pods, as a string.")),
    ];
}
