using Edge.Dataplane.Dns;
using Edge.Dataplane.Proxy;
using Edge.Dataplane.Trust;

namespace Edge.Dataplane.Mgmt
{
    /// <summary>
    /// A state decoded one unit at a time, so that it can arrive in parts (<see cref="StatePart"/>)
    /// and the board keep only this cursor between them. The units, in the order they come:
    /// <code>
    /// delta only:  base generation and flags | removed services | removed DNS entries
    /// state:       format version, generation, string count | each string | node settings
    ///              | peers and pods | service count | each service | DNS count | each DNS entry
    ///              | the cluster's pods | policies | ingress routes | TLS certificates
    /// </code>
    /// A part ends only between two units, so each is decoded whole from the part it is in;
    /// the sections decode as <see cref="StateCodec"/> always has (keeping the held state's
    /// entries, handing services and DNS entries to the sink as they arrive). The decoded state
    /// is the decoder's alone until it is done: nothing is applied, and the held state is never
    /// written but through the sink (NodeAgent.ServiceArrived puts each arriving service in
    /// place of its predecessor, as for a state in one frame).
    /// </summary>
    public sealed class StateDecoder
    {
        private const int DeltaHead = 0;
        private const int RemovedServices = 1;
        private const int RemovedDns = 2;
        private const int Head = 3;
        private const int TableString = 4;
        private const int Settings = 5;
        private const int PeersAndPods = 6;
        private const int ServiceCount = 7;
        private const int OneService = 8;
        private const int DnsCount = 9;
        private const int OneDns = 10;
        private const int ClusterPods = 11;
        private const int Policies = 12;
        private const int Ingress = 13;
        private const int Tls = 14;
        private const int Finished = 15;

        /// <summary>Whether this is a Delta (merged into the held state once done) or a Snapshot.</summary>
        public readonly bool Delta;

        private readonly DesiredState _held;
        private readonly IStateSink _sink;
        private readonly SessionAuth _keys;
        private DesiredState _state = new DesiredState();
        private StringRefs _strings;
        private int _unit;

        // The entry next in a section of entries: a string's table index, a service's or DNS entry's place.
        private int _index;

        // A delta's own head.
        private int _flags;
        private string[] _removedServices;
        private string[] _removedDns;

        /// <param name="delta">A Delta's payload (its head first, then a state merged into <paramref name="held"/>), or a Snapshot's.</param>
        /// <param name="held">The state the board runs (null: none), whose unchanged entries are kept (<see cref="StateReuse"/>).</param>
        /// <param name="sink">Takes services and DNS entries as they arrive (null: none).</param>
        /// <param name="keys">The established session of the line (null: none), which decrypts the TLS keys.</param>
        public StateDecoder(bool delta, DesiredState held, IStateSink sink, SessionAuth keys)
        {
            Delta = delta;
            _held = held;
            _sink = sink;
            _keys = keys;
            _unit = delta ? DeltaHead : Head;
        }

        /// <summary>Whether the last unit has been decoded.</summary>
        public bool Done
        {
            get { return _unit == Finished; }
        }

        /// <summary>
        /// Whether what is left is the last unit, the TLS certificates (their keys are encrypted
        /// under the line's session, which a decoder without its keys cannot read: the host,
        /// finding where to cut, takes the rest of the state as that unit).
        /// </summary>
        public bool NextIsLast
        {
            get { return _unit == Tls; }
        }

        /// <summary>The state once <see cref="Done"/>: for a delta, the held state with the delta merged in.</summary>
        public DesiredState State
        {
            get { return _unit == Finished ? _state : null; }
        }

        /// <summary>
        /// Decodes whole units until the reader's end (a part's end) or the state's; false when the
        /// bytes are damaged. (A board's receiver runs the same loop itself: on nanoCLR every frame
        /// on the stack is heap, and this one would be under every service the sink takes.)
        /// </summary>
        public bool Read(PayloadReader r)
        {
            while (!r.Failed && _unit != Finished && !r.AtEnd)
            {
                Step(r);
            }

            return !r.Failed;
        }

        /// <summary>Decodes the next unit.</summary>
        public void Step(PayloadReader r)
        {
            DesiredState s = _state;
            switch (_unit)
            {
                case DeltaHead:
                    r.Varint(); // the base generation, checked before the decode began
                    _flags = r.Int();
                    _unit = RemovedServices;
                    break;
                case RemovedServices:
                    _removedServices = StateDelta.ReadNames(r);
                    _unit = RemovedDns;
                    break;
                case RemovedDns:
                    _removedDns = StateDelta.ReadNames(r);
                    _unit = Head;
                    break;
                case Head:
                    _strings = StateCodec.DecodeHead(r, _held, s);
                    _index = 0;
                    _unit = r.Failed || _strings.Count > 0 ? TableString : Settings;
                    break;
                case TableString:
                    _strings.ReadAt(r, ++_index);
                    _unit = _index < _strings.Count ? TableString : Settings;
                    break;
                case Settings:
                    StateCodec.DecodeSettings(r, _strings, s);
                    _unit = PeersAndPods;
                    break;
                case PeersAndPods:
                    StateCodec.DecodePeersAndPods(r, _held, _strings, s);
                    _unit = ServiceCount;
                    break;
                case ServiceCount:
                    StateCodec.DecodeServiceCount(r, _held, s);
                    _index = 0;
                    _unit = s.Services.Length > 0 ? OneService : DnsCount;
                    break;
                case OneService:
                    Service service = StateCodec.DecodeServiceAt(r, _held, _strings, s, _index);
                    if (_sink != null && !r.Failed)
                    {
                        _sink.ServiceArrived(service); // the board's puts it in place of its predecessor in the held array too (NodeAgent.ServiceArrived)
                    }

                    StateCodec.PlaceService(_held, s, _index++, service);
                    _unit = _index < s.Services.Length ? OneService : DnsCount;
                    break;
                case DnsCount:
                    StateCodec.DecodeDnsCount(r, _held, s);
                    _index = 0;
                    _unit = s.DnsServices.Length > 0 ? OneDns : ClusterPods;
                    break;
                case OneDns:
                    DnsService entry = StateCodec.DecodeDnsAt(r, _held, _strings, s, _index);
                    if (_sink != null && !r.Failed)
                    {
                        _sink.DnsServiceArrived(entry);
                    }

                    StateCodec.PlaceDns(_held, s, _index++, entry);
                    _unit = _index < s.DnsServices.Length ? OneDns : ClusterPods;
                    break;
                case ClusterPods:
                    StateCodec.DecodeClusterPods(r, _held, _strings, s);
                    _unit = Policies;
                    break;
                case Policies:
                    s.Policies = PolicyCodec.Decode(r, s.ClusterNetwork, _held != null ? _held.Policies : null);
                    _unit = Ingress;
                    break;
                case Ingress:
                    s.Ingress = IngressCodec.Decode(r, _strings, _held != null ? _held.Ingress : null);
                    _unit = Tls;
                    break;
                case Tls:
                    s.Tls = TlsCodec.Decode(r, _strings, _held != null ? _held.Tls : null, _keys);
                    Finish(r);
                    break;
                default:
                    r.Failed = true; // bytes after the state's end
                    break;
            }
        }

        private void Finish(PayloadReader r)
        {
            _strings = null; // the table's work is done: a board lets it go before it applies the state
            if (r.Failed)
            {
                return;
            }

            if (Delta)
            {
                if (_held == null)
                {
                    r.Failed = true; // a delta builds on a state; with none held it is damaged here
                    return;
                }

                _state = StateDelta.Combine(_held, _flags, _removedServices, _removedDns, _state);
                _removedServices = null;
                _removedDns = null;
            }

            _unit = Finished;
        }
    }
}
