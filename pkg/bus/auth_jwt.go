package bus

import (
	"fmt"

	"github.com/nats-io/jwt/v2"
	"github.com/nats-io/nkeys"
)

// Account names in the operator's JWTs.
const (
	accountName       = "FLEETBACKUP"
	systemAccountName = "SYS"
)

// trust is the chain of a secured installation's server: an operator that signs two accounts,
// the installation's (JetStream on, every identity but sys) and the system account. The seeds
// live in memory only: GenerateAuth writes the JWTs and the users' credentials, never the
// operator's or an account's seed, so no file it leaves can mint another identity.
type trust struct {
	operator, system, account nkeys.KeyPair
}

func newTrust() (*trust, error) {
	op, err := nkeys.CreateOperator()
	if err != nil {
		return nil, fmt.Errorf("creating the operator key: %w", err)
	}
	sys, err := nkeys.CreateAccount()
	if err != nil {
		return nil, fmt.Errorf("creating the system account key: %w", err)
	}
	acc, err := nkeys.CreateAccount()
	if err != nil {
		return nil, fmt.Errorf("creating the account key: %w", err)
	}
	return &trust{operator: op, system: sys, account: acc}, nil
}

// serverJWTs are what the server's configuration names: the operator's JWT, the system
// account's public key, and every account's JWT by public key (a memory resolver's preload).
type serverJWTs struct {
	Operator, SystemAccount string
	Accounts                map[string]string
}

func (t *trust) serverJWTs() (serverJWTs, error) {
	opPub, _ := t.operator.PublicKey()
	sysPub, _ := t.system.PublicKey()
	accPub, _ := t.account.PublicKey()
	oc := jwt.NewOperatorClaims(opPub)
	oc.Name, oc.SystemAccount = "fleetbackup", sysPub
	opJWT, err := oc.Encode(t.operator)
	if err != nil {
		return serverJWTs{}, fmt.Errorf("signing the operator: %w", err)
	}
	sc := jwt.NewAccountClaims(sysPub)
	sc.Name = systemAccountName
	sysJWT, err := sc.Encode(t.operator)
	if err != nil {
		return serverJWTs{}, fmt.Errorf("signing the system account: %w", err)
	}
	ac := jwt.NewAccountClaims(accPub)
	ac.Name = accountName
	ac.Limits.JetStreamLimits = jwt.JetStreamLimits{MemoryStorage: -1, DiskStorage: -1, Streams: -1, Consumer: -1,
		MaxAckPending: -1, MemoryMaxStreamBytes: -1, DiskMaxStreamBytes: -1}
	accJWT, err := ac.Encode(t.operator)
	if err != nil {
		return serverJWTs{}, fmt.Errorf("signing the account: %w", err)
	}
	return serverJWTs{Operator: opJWT, SystemAccount: sysPub,
		Accounts: map[string]string{sysPub: sysJWT, accPub: accJWT}}, nil
}

// credentials makes a new user with its own key, signed by the account (the system account
// for IdentitySystem), and returns its credentials file: the user's JWT and its seed. A nil
// grant leaves the user unrestricted within its account.
func (t *trust) credentials(identity string, g *Grant) ([]byte, error) {
	ukp, err := nkeys.CreateUser()
	if err != nil {
		return nil, fmt.Errorf("creating %s's key: %w", identity, err)
	}
	upub, _ := ukp.PublicKey()
	uc := jwt.NewUserClaims(upub)
	uc.Name = identity
	if g != nil {
		uc.Permissions = jwt.Permissions{Pub: jwt.Permission{Allow: g.Pub}, Sub: jwt.Permission{Allow: g.Sub}}
	}
	signer := t.account
	if identity == IdentitySystem {
		signer = t.system
	}
	userJWT, err := uc.Encode(signer)
	if err != nil {
		return nil, fmt.Errorf("signing %s's credentials: %w", identity, err)
	}
	seed, err := ukp.Seed()
	if err != nil {
		return nil, err
	}
	return jwt.FormatUserConfig(userJWT, seed)
}
