using System.Text;

namespace TermChat.Cli.Service;

/// <summary>
/// The systemd unit that runs `termchat serve` at boot: a dynamic dedicated user, the state directory as the only
/// writable place, restart on failure, and the hardening systemd offers for a network daemon.
/// </summary>
/// <param name="ExecStart">The command line that starts the server, already quoted for systemd.</param>
/// <param name="Name">The unit's name without ".service", also the state directory under /var/lib.</param>
/// <param name="BinaryUnderHome">The binary lives under /home or /root (a .NET tool install), so home directories stay readable.</param>
internal sealed record SystemdUnit(string ExecStart, string Name, bool BinaryUnderHome)
{
    /// <summary>The unit's first line; `service uninstall` removes only a unit that starts with it.</summary>
    public const string Marker = "# Written by `termchat service install`.";

    /// <summary>Where the server keeps its data: systemd creates it for the dynamic user.</summary>
    public string DataDirectory => $"/var/lib/{Name}";

    /// <summary>The unit file's text.</summary>
    public string Render()
    {
        return FormattableString.Invariant($"""
            {Marker} Edit the flags on ExecStart, or put them in a --config file.
            [Unit]
            Description=TermChat chat server
            After=network-online.target
            Wants=network-online.target

            [Service]
            Type=exec
            ExecStart={ExecStart}
            # SIGHUP reloads the settings that can change live.
            ExecReload=/bin/kill -HUP $MAINPID
            Restart=on-failure
            RestartSec=2
            # A user made for this service alone, with no login and no files outside its state directory.
            DynamicUser=yes
            StateDirectory={Name}
            Environment=XDG_DATA_HOME=/var/lib
            Environment=NO_COLOR=1
            WorkingDirectory={DataDirectory}
            ReadWritePaths={DataDirectory}
            NoNewPrivileges=yes
            ProtectSystem=strict
            ProtectHome={(BinaryUnderHome ? "read-only" : "yes")}
            PrivateTmp=yes
            PrivateDevices=yes
            ProtectKernelTunables=yes
            ProtectKernelModules=yes
            ProtectControlGroups=yes
            RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX AF_NETLINK
            RestrictNamespaces=yes
            LockPersonality=yes
            # Each client is a file descriptor; the server's own --max-clients is the real limit.
            LimitNOFILE=20000

            [Install]
            WantedBy=multi-user.target

            """);
    }

    /// <summary>Quotes one argument for an ExecStart line (systemd's rules: double quotes, backslash escapes, $ doubled).</summary>
    public static string Quote(string argument)
    {
        bool plain = argument.Length > 0 && argument.All(c => char.IsAsciiLetterOrDigit(c) || "/._-:=,+@".Contains(c, StringComparison.Ordinal));
        if (plain)
        {
            return argument;
        }
        var quoted = new StringBuilder("\"");
        foreach (char c in argument)
        {
            quoted.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '$' => "$$",
                '%' => "%%",
                _ => c.ToString(),
            });
        }
        return quoted.Append('"').ToString();
    }
}
