using Edge.Dataplane.Mgmt;
using Edge.Dataplane.Net;
using Edge.Dataplane.Workloads;

namespace Edge.Dataplane.Agent
{
    /// <summary>
    /// One container of a running pod: its spec, its program (the workload, null while it waits to
    /// start again), its log, how it exited and restarted, and what its probes found.
    ///
    /// Five fields (on nanoFramework every field is a 12-byte block in every container): what
    /// most containers never need (exits, probes, reasons) is made the first time it is.
    /// </summary>
    public sealed class RunningContainer
    {
        public ContainerSpec Spec;
        public IWorkload Workload;

        /// <summary>Its standard output: the pod sandbox's log for a pod's first container, its own for the others.</summary>
        public PodLog Log;

        // Why it is not running, its message, and its last probe failure; null while there is nothing to say.
        private string[] _why;

        // Made on its first exit, or when it has probes: its counters (restarts in the high 32
        // bits, then the code it last exited with plus one (0: never) in 16, the back-off step in
        // 8 and the flags (started, ready, last ended for its memory) in the low 8), when it
        // starts again (-1 while it is not waiting to), when it last started, then for each probe
        // it has (startup, liveness, readiness, in that order; none for one it has not) when it is
        // next due and its run of results (successes above 0, failures below). A long is a
        // 12-byte block as an int is, and the array's length its probes': a readiness probe's
        // container holds 5 longs (60 bytes) where 12 took 120.
        private long[] _state;

        private const int Counters = 0;
        private const int StartsAt = 1;
        private const int StartedAt = 2;
        private const int ProbeState = 3;

        private const int RestartsShift = 32;
        private const int ExitShift = 16;
        private const int BackoffShift = 8;
        private const long FlagBits = 0xFF;

        private const long StartedFlag = 1;
        private const long ReadyFlag = 2;
        private const long OomFlag = 4;

        public const int MaxBackoffSeconds = 300;

        /// <summary>A container that ran this long without exiting starts its back-off over (the kubelet's 10 minutes).</summary>
        public const long BackoffResetMs = 10 * 60 * 1000;

        public string Name
        {
            get { return Spec.Name; }
        }

        /// <summary>The Kubernetes reason it is not running (CrashLoopBackOff, ErrImageNeverPull...), "" while it runs.</summary>
        public string Reason
        {
            get { return Said(0); }
            set { Say(0, value); }
        }

        /// <summary>The words beside <see cref="Reason"/>; "" when none.</summary>
        public string Message
        {
            get { return Said(1); }
            set { Say(1, value); }
        }

        /// <summary>The last probe failure, as the kubelet's Unhealthy event says it ("Readiness probe failed: ..."); "" once a probe passes again.</summary>
        public string ProbeFailure
        {
            get { return Said(2); }
            set { Say(2, value); }
        }

        /// <summary>Whether its program runs.</summary>
        public bool Running
        {
            get { return Workload != null; }
        }

        /// <summary>Its startup probe passed (or it has none) while it runs: liveness and readiness probes run from here.</summary>
        public bool Started
        {
            get { return Workload != null && Flag(StartedFlag); }
            set { SetFlag(StartedFlag, value); }
        }

        /// <summary>Ready for traffic: running, started, and its readiness probe passing (or it has none).</summary>
        public bool Ready
        {
            get { return Workload != null && Flag(ReadyFlag); }
            set { SetFlag(ReadyFlag, value); }
        }

        /// <summary>How many times it was started again after it exited (kubelet's restartCount).</summary>
        public int Restarts
        {
            get { return _state == null ? 0 : (int)(_state[Counters] >> RestartsShift); }
        }

        /// <summary>The code it last exited with; -1 when it never exited.</summary>
        public int LastExit
        {
            get { return _state == null ? -1 : (int)((_state[Counters] >> ExitShift) & 0xFFFF) - 1; }
        }

        /// <summary>Whether it was last ended for using more memory than its limit (exit 137, OOMKilled).</summary>
        public bool LastOomKilled
        {
            get { return _state != null && (_state[Counters] & OomFlag) != 0; }
        }

        /// <summary>Whether it waits to be started again (its program exited).</summary>
        public bool BackingOff
        {
            get { return _state != null && Workload == null && _state[StartsAt] >= 0; }
        }

        /// <summary>When it starts again, in the board clock's milliseconds.</summary>
        public long RestartAt
        {
            get { return _state == null || _state[StartsAt] < 0 ? 0 : _state[StartsAt]; }
        }

        /// <summary>Its program started at <paramref name="now"/>: probes begin after their initial delays.</summary>
        public void Began(long now)
        {
            if (_state == null && Spec.Probes == null)
            {
                return; // no probes: started and ready as it runs
            }

            State()[StartedAt] = now;
            bool started = Spec.Probe(ProbeSpec.Startup) == null;
            long flags = (started ? StartedFlag : 0) | (started && Spec.Probe(ProbeSpec.Readiness) == null ? ReadyFlag : 0);
            _state[Counters] = (_state[Counters] & ~FlagBits) | (_state[Counters] & OomFlag) | flags;
            for (int k = 0; k < 3; k++)
            {
                ProbeSpec probe = Spec.Probe(k);
                if (probe != null)
                {
                    int at = ProbeAt(k);
                    _state[at] = now + probe.InitialDelaySeconds * 1000L;
                    _state[at + 1] = 0;
                }
            }
        }

        /// <summary>
        /// It exited with <paramref name="code"/>: it starts again after the kubelet's back-off: at
        /// once the first time, then 10 s doubling with each restart up to 5 min (from the start
        /// again once it had run 10 min); returns the back-off in seconds.
        /// </summary>
        public int Exited(int code, bool oomKilled, long now)
        {
            long[] s = State();
            int step = (int)((s[Counters] >> BackoffShift) & 0xFF);
            if (s[StartedAt] > 0 && now - s[StartedAt] >= BackoffResetMs)
            {
                step = 0;
            }

            int backoff = step == 0 ? 0 : step >= 6 ? MaxBackoffSeconds : 10 << (step - 1);
            if (backoff > MaxBackoffSeconds)
            {
                backoff = MaxBackoffSeconds;
            }

            s[StartsAt] = now + backoff * 1000L;
            s[Counters] = (s[Counters] >> RestartsShift << RestartsShift) // the restarts stay
                | ((long)((code + 1) & 0xFFFF) << ExitShift)
                | ((long)(step < 0xFF ? step + 1 : 0xFF) << BackoffShift) // from the sixth on, the longest back-off
                | (oomKilled ? OomFlag : 0);
            Workload = null;
            return backoff;
        }

        /// <summary>It is being started again.</summary>
        public void Restarting()
        {
            _state[Counters] += 1L << RestartsShift;
            _state[StartsAt] = -1;
        }

        /// <summary>When probe <paramref name="which"/> is next due (board milliseconds); 0 when it has no such probe.</summary>
        public long ProbeDue(int which)
        {
            return _state == null || Spec.Probe(which) == null ? 0 : _state[ProbeAt(which)];
        }

        /// <summary>
        /// Records a result of probe <paramref name="which"/> at <paramref name="now"/> and schedules
        /// the next; returns the run of like results so far (the first success is 1, the first failure -1).
        /// </summary>
        public int ProbeResult(int which, bool success, long now)
        {
            ProbeSpec probe = Spec.Probe(which);
            int at = ProbeAt(which);
            _state[at] = now + probe.PeriodSeconds * 1000L;
            long run = _state[at + 1];
            run = success ? (run > 0 ? run + 1 : 1) : (run < 0 ? run - 1 : -1);
            _state[at + 1] = run;
            return (int)run;
        }

        // Where probe `which` (one the container has) keeps its state: after the probes before it.
        private int ProbeAt(int which)
        {
            int at = ProbeState;
            for (int k = 0; k < which; k++)
            {
                at += Spec.Probe(k) != null ? 2 : 0;
            }

            return at;
        }

        // Without state (no probes, never exited) a running container is started and ready.
        private bool Flag(long flag)
        {
            return _state == null || (_state[Counters] & flag) != 0;
        }

        private void SetFlag(long flag, bool value)
        {
            long[] s = State();
            s[Counters] = value ? s[Counters] | flag : s[Counters] & ~flag;
        }

        private long[] State()
        {
            if (_state == null)
            {
                // Its spec's probes are its for good: a pod whose probes change is a new sandbox.
                _state = new long[ProbeAt(3)];
                _state[Counters] = StartedFlag | ReadyFlag;
                _state[StartsAt] = -1; // not waiting to start
            }

            return _state;
        }

        private string Said(int which)
        {
            return _why == null ? "" : _why[which];
        }

        private void Say(int which, string value)
        {
            if (_why == null)
            {
                if (value.Length == 0)
                {
                    return;
                }

                _why = new string[] { "", "", "" };
            }

            _why[which] = value;
        }
    }
}
