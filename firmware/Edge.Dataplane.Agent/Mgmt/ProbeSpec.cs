namespace Edge.Dataplane.Mgmt
{
    /// <summary>
    /// One of a container's probes as the kubelet runs it: a handler (httpGet, tcpSocket or exec)
    /// and its timing. Kept in three fields (a probe is a few dozen bytes on a board that may hold
    /// sixteen): the handler and port in one int, its words (an httpGet's path then its headers as
    /// "Name: value", an exec's command) and the five timing numbers packed in one long.
    /// </summary>
    public sealed class ProbeSpec
    {
        /// <summary>Where a probe sits in <see cref="ContainerSpec.Probes"/>.</summary>
        public const int Startup = 0;
        public const int Liveness = 1;
        public const int Readiness = 2;

        /// <summary>The probe handlers (core/v1 Probe's ProbeHandler).</summary>
        public const int HttpGet = 1;
        public const int TcpSocket = 2;
        public const int Exec = 3;

        // handler << 16 | port
        private int _handler;

        /// <summary>An httpGet's path and then its headers ("Name: value"), or an exec's command; empty for tcpSocket.</summary>
        public string[] Words = Empty.Strings;

        // initialDelaySeconds (16 bits), periodSeconds (16), timeoutSeconds (16), successThreshold (8), failureThreshold (8)
        private long _timing;

        public ProbeSpec()
        {
            SetTiming(0, 10, 1, 1, 3); // the API server's defaults
        }

        public int Handler
        {
            get { return _handler >> 16; }
            set { _handler = (value << 16) | (_handler & 0xFFFF); }
        }

        /// <summary>The port an httpGet or tcpSocket probe connects to (the host resolves a named port).</summary>
        public int Port
        {
            get { return _handler & 0xFFFF; }
            set { _handler = (_handler & ~0xFFFF) | (value & 0xFFFF); }
        }

        /// <summary>An httpGet's path ("/" when none was given).</summary>
        public string Path
        {
            get { return Words.Length > 0 && Words[0].Length > 0 ? Words[0] : "/"; }
        }

        public int InitialDelaySeconds
        {
            get { return (int)((_timing >> 48) & 0xFFFF); }
        }

        public int PeriodSeconds
        {
            get { return (int)((_timing >> 32) & 0xFFFF); }
        }

        public int TimeoutSeconds
        {
            get { return (int)((_timing >> 16) & 0xFFFF); }
        }

        public int SuccessThreshold
        {
            get { return (int)((_timing >> 8) & 0xFF); }
        }

        public int FailureThreshold
        {
            get { return (int)(_timing & 0xFF); }
        }

        /// <summary>The timing as one number, what crosses the line.</summary>
        public long Timing
        {
            get { return _timing; }
            set { _timing = value; }
        }

        /// <summary>
        /// Sets the timing; values beyond a field's range are held at its largest (the host's
        /// validator says so first): 65,535 seconds, and thresholds of 255.
        /// </summary>
        public void SetTiming(int initialDelaySeconds, int periodSeconds, int timeoutSeconds, int successThreshold, int failureThreshold)
        {
            _timing = ((long)Clamp(initialDelaySeconds, 0xFFFF) << 48) | ((long)Clamp(periodSeconds, 0xFFFF) << 32)
                | ((long)Clamp(timeoutSeconds, 0xFFFF) << 16) | ((long)Clamp(successThreshold, 0xFF) << 8) | (long)Clamp(failureThreshold, 0xFF);
        }

        /// <summary>Whether two probes do the same thing on the same schedule.</summary>
        public static bool Same(ProbeSpec a, ProbeSpec b)
        {
            if (a == null || b == null)
            {
                return a == b;
            }

            return a._handler == b._handler && a._timing == b._timing && StateReuse.SameStrings(a.Words, b.Words);
        }

        private static int Clamp(int value, int most)
        {
            return value < 0 ? 0 : value > most ? most : value;
        }
    }
}
