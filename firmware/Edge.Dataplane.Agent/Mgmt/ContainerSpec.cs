namespace Edge.Dataplane.Mgmt
{
    /// <summary>One container of a pod: its name, image, args, environment and probes.</summary>
    public sealed class ContainerSpec
    {
        public string Name = "";
        public string Image = "";

        /// <summary>The container's args (Empty.Strings when it has none): the image reads them as its flags.</summary>
        public string[] Args = Empty.Strings;

        /// <summary>
        /// The container's environment as the host made it, "NAME=value" (Empty.Strings when none):
        /// what the pod's env and envFrom say, not the Services' variables nor a Secret's values.
        /// </summary>
        public string[] Env = Empty.Strings;

        /// <summary>
        /// Its memory limit in bytes (0: none): the program is OOMKilled (exit 137) when what it
        /// asked the board for would go above it.
        /// </summary>
        public int MemoryLimit;

        /// <summary>Its cpu request and limit in millicores (0: none): the request weighs its share of the board's loop, the limit caps it.</summary>
        public int CpuRequest;
        public int CpuLimit;

        /// <summary>Its startup, liveness and readiness probes at <see cref="ProbeSpec.Startup"/>... (an entry null when not set); null when it has none.</summary>
        public ProbeSpec[] Probes;

        /// <summary>A pod's one container of <paramref name="image"/>, named as the image.</summary>
        public static ContainerSpec[] One(string image)
        {
            var c = new ContainerSpec();
            c.Name = Workloads.WorkloadCatalog.ShortName(image);
            c.Image = image;
            return new ContainerSpec[] { c };
        }

        /// <summary>The probe at <paramref name="which"/> (<see cref="ProbeSpec.Startup"/>...), or null.</summary>
        public ProbeSpec Probe(int which)
        {
            return Probes == null ? null : Probes[which];
        }

        /// <summary>Whether two containers are the same in everything the host sends.</summary>
        public static bool Same(ContainerSpec a, ContainerSpec b)
        {
            return a.Name == b.Name && a.Image == b.Image && a.MemoryLimit == b.MemoryLimit && a.CpuRequest == b.CpuRequest && a.CpuLimit == b.CpuLimit
                && StateReuse.SameStrings(a.Args, b.Args) && StateReuse.SameStrings(a.Env, b.Env)
                && ProbeSpec.Same(a.Probe(ProbeSpec.Startup), b.Probe(ProbeSpec.Startup))
                && ProbeSpec.Same(a.Probe(ProbeSpec.Liveness), b.Probe(ProbeSpec.Liveness))
                && ProbeSpec.Same(a.Probe(ProbeSpec.Readiness), b.Probe(ProbeSpec.Readiness));
        }
    }
}
