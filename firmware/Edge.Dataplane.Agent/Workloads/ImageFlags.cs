namespace Edge.Dataplane.Workloads
{
    /// <summary>
    /// A built-in image's command line, read as Go's flag package reads one (traefik/whoami is a
    /// Go program): "-name value", "--name value", "-name=value"; a boolean flag alone is true;
    /// parsing stops at "--" or the first argument that is no flag; a flag the image does not
    /// define, or one without its value, ends the program with exit code 2 after the usage (as
    /// flag.ExitOnError does), and "-h" prints the usage and exits 0. A flag's default may come from
    /// an environment variable, as whoami's WHOAMI_PORT_NUMBER gives its -port. Made when a
    /// container starts and let go once read: nothing of it stays on the board.
    /// </summary>
    public sealed class ImageFlags
    {
        /// <summary>The exit code of a command line the image does not take (Go's flag.ExitOnError).</summary>
        public const int UsageExit = 2;

        private readonly string _image;
        private readonly string[] _names;
        private readonly string[] _values;
        private readonly string[] _defaults;
        private readonly string[] _usage;
        private readonly string[] _env;
        private readonly bool[] _numeric;
        private readonly bool[] _boolean;
        private int _count;

        public ImageFlags(string image, int capacity)
        {
            _image = image;
            _names = new string[capacity];
            _values = new string[capacity];
            _defaults = new string[capacity];
            _usage = new string[capacity];
            _env = new string[capacity];
            _numeric = new bool[capacity];
            _boolean = new bool[capacity];
        }

        /// <summary>What went wrong, the usage after it, as the program printed it; null when the command line was taken.</summary>
        public string Error;

        /// <summary>The exit code the program ended with (2 for a wrong command line, 0 after -h); -1 while it runs.</summary>
        public int Exit = -1;

        /// <summary>Defines a flag with its default, its environment variable (null: none) and what it is for; returns its index.</summary>
        public int Define(string name, string defaultValue, string environment, string usage)
        {
            _names[_count] = name;
            _values[_count] = defaultValue;
            _env[_count] = environment;
            _usage[_count] = usage;
            return _count++;
        }

        /// <summary>A flag whose value must be a port number (1-65535).</summary>
        public int DefinePort(string name, string defaultValue, string environment, string usage)
        {
            int i = Define(name, defaultValue, environment, usage);
            _numeric[i] = true;
            return i;
        }

        /// <summary>A flag that is true when given alone.</summary>
        public int DefineBool(string name, string usage)
        {
            int i = Define(name, "false", null, usage);
            _boolean[i] = true;
            return i;
        }

        public string Name(int flag)
        {
            return _names[flag];
        }

        public string Value(int flag)
        {
            return _values[flag];
        }

        public ushort Port(int flag)
        {
            return (ushort)ParsePort(_values[flag]);
        }

        public bool IsSet(int flag)
        {
            return _values[flag] == "true";
        }

        /// <summary>Reads the environment's defaults, then the args; false (with <see cref="Error"/> and <see cref="Exit"/>) when the program would end.</summary>
        public bool Parse(string[] args, string[] env)
        {
            for (int e = 0; e < env.Length; e++)
            {
                int equals = env[e].IndexOf('=');
                for (int f = 0; equals > 0 && f < _count; f++)
                {
                    if (_env[f] != null && equals == _env[f].Length && env[e].Substring(0, equals) == _env[f])
                    {
                        _values[f] = env[e].Substring(equals + 1);
                    }
                }
            }

            // The defaults the usage shows are the environment's, as a Go program reads it before its flags.
            for (int f = 0; f < _count; f++)
            {
                _defaults[f] = _values[f];
            }

            for (int i = 0; i < args.Length; i++)
            {
                string arg = args[i];
                if (arg.Length < 2 || arg[0] != '-')
                {
                    break; // the first argument that is no flag ends them, as in Go
                }

                int dashes = arg[1] == '-' ? 2 : 1;
                if (dashes == 2 && arg.Length == 2)
                {
                    break; // "--"
                }

                string name = arg.Substring(dashes);
                string value = null;
                int equals = name.IndexOf('=');
                if (equals >= 0)
                {
                    value = name.Substring(equals + 1);
                    name = name.Substring(0, equals);
                }

                if (name.Length == 0 || name[0] == '-' || name[0] == '=')
                {
                    return Fail("bad flag syntax: " + arg, UsageExit);
                }

                if (name == "h" || name == "help")
                {
                    return Fail(null, 0);
                }

                int flag = Find(name);
                if (flag < 0)
                {
                    return Fail("flag provided but not defined: -" + name, UsageExit);
                }

                if (_boolean[flag])
                {
                    if (value != null && value != "true" && value != "false" && value != "1" && value != "0")
                    {
                        return Fail("invalid boolean value \"" + value + "\" for -" + name + ": parse error", UsageExit);
                    }

                    _values[flag] = value == null || value == "true" || value == "1" ? "true" : "false";
                    continue;
                }

                if (value == null)
                {
                    if (i + 1 >= args.Length)
                    {
                        return Fail("flag needs an argument: -" + name, UsageExit);
                    }

                    value = args[++i];
                }

                if (_numeric[flag] && ParsePort(value) < 0)
                {
                    return Fail("invalid value \"" + value + "\" for flag -" + name + ": parse error", UsageExit);
                }

                _values[flag] = value;
            }

            for (int f = 0; f < _count; f++)
            {
                if (_numeric[f] && ParsePort(_values[f]) < 0)
                {
                    return Fail("invalid port \"" + _values[f] + "\" (from $" + _env[f] + ")", 1);
                }
            }

            return true;
        }

        /// <summary>The usage, as Go's PrintDefaults writes it: each flag, its kind, what it is for, its default and its variable.</summary>
        public string Usage()
        {
            string text = "Usage of " + _image + ":\n";
            for (int f = 0; f < _count; f++)
            {
                text += "  -" + _names[f] + (_boolean[f] ? "" : (_numeric[f] ? " int" : " string")) + "\n    \t" + _usage[f];
                string shown = _defaults[f] != null ? _defaults[f] : _values[f];
                if (!_boolean[f] && shown != null && shown.Length > 0)
                {
                    text += " (default " + (_numeric[f] ? shown : "\"" + shown + "\"") + ")";
                }

                if (_env[f] != null)
                {
                    text += " [$" + _env[f] + "]";
                }

                text += "\n";
            }

            return text;
        }

        private bool Fail(string error, int exit)
        {
            Error = (error != null ? error + "\n" : "") + Usage();
            Exit = exit;
            return false;
        }

        private int Find(string name)
        {
            for (int f = 0; f < _count; f++)
            {
                if (_names[f] == name)
                {
                    return f;
                }
            }

            return -1;
        }

        private static int ParsePort(string text)
        {
            if (text == null || text.Length == 0 || text.Length > 5)
            {
                return -1;
            }

            int n = 0;
            for (int i = 0; i < text.Length; i++)
            {
                char c = text[i];
                if (c < '0' || c > '9')
                {
                    return -1;
                }

                n = n * 10 + (c - '0');
            }

            return n >= 1 && n <= 65535 ? n : -1;
        }
    }
}
