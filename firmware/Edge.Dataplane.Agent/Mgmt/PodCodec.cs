namespace Edge.Dataplane.Mgmt
{
    /// <summary>
    /// A pod in a state's pods section: namespace, name, UID (string-table indexes), address,
    /// then its containers, each its name, image, args and environment, its memory limit and cpu
    /// request and limit, and which of its
    /// startup, liveness and readiness probes follow (a bit each), each probe its handler, port,
    /// words (path and headers, or command) and timing.
    /// </summary>
    public static class PodCodec
    {
        /// <summary>The most containers a pod may bring (what a board's sandbox is made for: a few).</summary>
        public const int MaxContainers = 8;

        public static void Write(PayloadWriter w, StringTable strings, PodSpec p)
        {
            w.Int(strings.Index(p.Namespace));
            w.Int(strings.Index(p.Name));
            w.Int(strings.Index(p.Uid));
            w.Address(p.Address);
            w.Int(p.Containers.Length);
            for (int c = 0; c < p.Containers.Length; c++)
            {
                ContainerSpec container = p.Containers[c];
                w.Int(strings.Index(container.Name));
                w.Int(strings.Index(container.Image));
                StateCodec.Strings(w, strings, container.Args);
                StateCodec.Strings(w, strings, container.Env);
                w.Int(container.MemoryLimit);
                w.Int(container.CpuRequest);
                w.Int(container.CpuLimit);
                int present = 0;
                for (int k = 0; k < 3; k++)
                {
                    present |= container.Probe(k) != null ? 1 << k : 0;
                }

                w.Byte(present);
                for (int k = 0; k < 3; k++)
                {
                    ProbeSpec probe = container.Probe(k);
                    if (probe != null)
                    {
                        WriteProbe(w, strings, probe);
                    }
                }
            }
        }

        /// <summary>A pod as decoded (its strings through <paramref name="strings"/>); the reader fails on anything malformed.</summary>
        internal static PodSpec Read(PayloadReader r, StringRefs strings)
        {
            var p = new PodSpec();
            p.Namespace = StateCodec.Required(strings, r);
            p.Name = StateCodec.Required(strings, r);
            p.Uid = StateCodec.Required(strings, r);
            p.Address = r.Address();
            int count = r.Count(5);
            if (count < 1 || count > MaxContainers)
            {
                r.Failed = true;
                return p;
            }

            p.Containers = new ContainerSpec[count];
            for (int c = 0; c < count && !r.Failed; c++)
            {
                p.Containers[c] = ReadContainer(r, strings);
            }

            return p;
        }

        private static ContainerSpec ReadContainer(PayloadReader r, StringRefs strings)
        {
            var container = new ContainerSpec();
            container.Name = StateCodec.Required(strings, r);
            container.Image = StateCodec.Required(strings, r);
            container.Args = StateCodec.Strings(r, strings);
            container.Env = StateCodec.Strings(r, strings);
            container.MemoryLimit = r.Int();
            container.CpuRequest = r.Int();
            container.CpuLimit = r.Int();
            int present = r.Byte();
            if (present < 0 || present > 7 || container.MemoryLimit < 0 || container.CpuRequest < 0 || container.CpuLimit < 0)
            {
                r.Failed = true;
                return container;
            }

            if (present != 0)
            {
                container.Probes = new ProbeSpec[3];
                for (int k = 0; k < 3 && !r.Failed; k++)
                {
                    container.Probes[k] = (present & (1 << k)) != 0 ? ReadProbe(r, strings) : null;
                }
            }

            return container;
        }

        private static void WriteProbe(PayloadWriter w, StringTable strings, ProbeSpec probe)
        {
            w.Int(probe.Handler);
            w.Int(probe.Port);
            StateCodec.Strings(w, strings, probe.Words);
            w.Int(probe.InitialDelaySeconds);
            w.Int(probe.PeriodSeconds);
            w.Int(probe.TimeoutSeconds);
            w.Int(probe.SuccessThreshold);
            w.Int(probe.FailureThreshold);
        }

        private static ProbeSpec ReadProbe(PayloadReader r, StringRefs strings)
        {
            var probe = new ProbeSpec();
            int handler = r.Int();
            if (handler < ProbeSpec.HttpGet || handler > ProbeSpec.Exec)
            {
                r.Failed = true;
                return probe;
            }

            probe.Handler = handler;
            probe.Port = r.Int();
            probe.Words = StateCodec.Strings(r, strings);
            if (handler == ProbeSpec.Exec && probe.Words.Length == 0)
            {
                r.Failed = true; // an exec probe runs a command
                return probe;
            }

            int delay = r.Int(), period = r.Int(), timeout = r.Int(), success = r.Int(), failure = r.Int();
            if (period < 1 || timeout < 1 || success < 1 || failure < 1)
            {
                r.Failed = true; // the API server refuses these; a board would probe in a tight loop
                return probe;
            }

            probe.SetTiming(delay, period, timeout, success, failure);
            return probe;
        }

        /// <summary>Puts the pod's strings in the table, in the order <see cref="Write"/> refers to them.</summary>
        public static void Collect(StringTable t, PodSpec p)
        {
            t.Index(p.Namespace);
            t.Index(p.Name);
            t.Index(p.Uid);
            t.Index(p.Image); // the first container's, fourth as the held strings number a pod's (StateReuse)
            for (int c = 0; c < p.Containers.Length; c++)
            {
                ContainerSpec container = p.Containers[c];
                t.Index(container.Name);
                t.Index(container.Image);
                Index(t, container.Args);
                Index(t, container.Env);
                for (int k = 0; k < 3; k++)
                {
                    if (container.Probe(k) != null)
                    {
                        Index(t, container.Probe(k).Words);
                    }
                }
            }
        }

        /// <summary>Whether two pods are the same in everything the host sends.</summary>
        public static bool Same(PodSpec a, PodSpec b)
        {
            if (a.Uid != b.Uid || a.Address != b.Address || a.Containers.Length != b.Containers.Length)
            {
                return false;
            }

            for (int c = 0; c < a.Containers.Length; c++)
            {
                if (!ContainerSpec.Same(a.Containers[c], b.Containers[c]))
                {
                    return false;
                }
            }

            return true;
        }

        private static void Index(StringTable t, string[] values)
        {
            for (int i = 0; i < values.Length; i++)
            {
                t.Index(values[i]);
            }
        }
    }
}
