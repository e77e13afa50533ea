// Minimal ambient types for the parts of net-snmp 3 this project uses (the package ships
// none). Import it as `import snmp from "net-snmp"`: it is CommonJS.
declare module "net-snmp" {
  import type * as dgram from "node:dgram";

  namespace snmp {
    interface Varbind {
      oid: string;
      type: number;
      /** Buffer for OctetString/Opaque, number for integers, dotted string for OID/IpAddress. */
      value: unknown;
    }

    interface SessionOptions {
      port?: number;
      retries?: number;
      timeout?: number;
      backoff?: number;
      transport?: "udp4" | "udp6";
      version?: number;
      idBitsSize?: 16 | 32;
      backwardsGetNexts?: boolean;
      reportOidMismatchErrors?: boolean;
      context?: string;
      engineID?: string;
    }

    interface User {
      name: string;
      level: number;
      authProtocol?: number;
      authKey?: string;
      privProtocol?: number;
      privKey?: string;
    }

    type ResponseCallback = (error: Error | null, varbinds?: Varbind[]) => void;
    type BulkCallback = (error: Error | null, varbinds?: (Varbind | Varbind[])[]) => void;

    interface Session {
      get(oids: string[], cb: ResponseCallback): Session;
      getNext(oids: string[], cb: ResponseCallback): Session;
      getBulk(oids: string[], nonRepeaters: number, maxRepetitions: number, cb: BulkCallback): Session;
      close(): Session;
      on(event: "error", listener: (error: Error) => void): Session;
      on(event: "close", listener: () => void): Session;
    }

    /** What net-snmp needs of a dgram module (its Listener/Session call createSocket only). */
    interface DgramModule {
      createSocket(type: dgram.SocketType): dgram.Socket;
    }

    interface AgentOptions {
      port?: number;
      address?: string | null;
      transport?: "udp4" | "udp6";
      disableAuthorization?: boolean;
      engineID?: string;
      dgramModule?: DgramModule;
    }

    interface Authorizer {
      addCommunity(community: string): void;
      deleteCommunity(community: string): void;
      getCommunities(): string[];
      addUser(user: User): void;
    }

    interface MibRequest {
      oid: string;
      operation: number;
      instanceNode: { value: unknown };
      done(error?: { errorStatus: number }): void;
    }

    interface TableColumn {
      number: number;
      name: string;
      type: number;
      maxAccess: number;
    }

    interface IndexEntry {
      columnName: string;
      foreign?: string;
      implied?: boolean;
    }

    interface ScalarProvider {
      name: string;
      type: number; // MibProviderType.Scalar
      oid: string;
      scalarType: number;
      maxAccess: number;
      handler?: (req: MibRequest) => void;
    }

    interface TableProvider {
      name: string;
      type: number; // MibProviderType.Table
      oid: string;
      maxAccess: number;
      tableColumns: TableColumn[];
      tableIndex: IndexEntry[];
    }

    interface Mib {
      registerProvider(provider: ScalarProvider | TableProvider): void;
      setScalarValue(name: string, value: unknown): void;
      addTableRow(table: string, row: unknown[]): void;
      deleteTableRow(table: string, rowIndex: unknown[]): boolean;
      dump(options?: Record<string, boolean>): void;
    }

    interface ProxyEntry {
      context: string;
      target: string;
      port?: number;
      transport?: "udp4" | "udp6";
      user: User;
    }

    interface Forwarder {
      addProxy(proxy: ProxyEntry): void;
    }

    interface Agent {
      getMib(): Mib;
      getAuthorizer(): Authorizer;
      getForwarder(): Forwarder;
      close(callback?: (socket: { address: string; family: string; port: number }) => void): void;
    }

    const PduType: Record<string, number>;
    function createMib(): Mib;
    const Version2c: number;
    const Version3: number;
    const ObjectType: Record<string, number>;
    const ErrorStatus: Record<string, number>;
    const MibProviderType: { Scalar: number; Table: number };
    const MaxAccess: Record<string, number>;
    const SecurityLevel: Record<string, number>;
    const AuthProtocols: Record<string, number>;
    const PrivProtocols: Record<string, number>;
    const ResponseInvalidCode: Record<string, number>;

    class RequestTimedOutError extends Error {}
    class RequestFailedError extends Error {
      status?: number;
    }
    class RequestInvalidError extends Error {}
    class ResponseInvalidError extends Error {
      code: number;
    }

    function createSession(target: string, community: string, options?: SessionOptions): Session;
    function createV3Session(target: string, user: User, options?: SessionOptions): Session;
    function createAgent(
      options: AgentOptions,
      callback: (error: Error | null, data?: unknown) => void,
      mib?: Mib,
    ): Agent;
    function isVarbindError(varbind: Varbind): boolean;
  }

  export = snmp;
}
